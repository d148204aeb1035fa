#pragma once
// A readable account of scored events and dead letters: what the demo prints after reading its topics.
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "backlink_event.pb.h"

namespace backlint {

class EventSummary {
 public:
  void AddEvent(const v1::BacklinkEvent& event);
  void AddDeadLetter(const std::string& stage, const std::string& reason);

  uint64_t backlinks() const { return backlinks_; }
  const std::map<std::string, uint64_t>& verdicts() const { return verdicts_; }
  const std::map<std::string, uint64_t>& categories() const { return categories_; }
  const std::map<std::string, uint64_t>& rules() const { return rules_; }
  const std::map<std::string, uint64_t>& dead_letters_by_stage() const { return dead_letters_by_stage_; }

  void Print(std::ostream& out) const;

 private:
  uint64_t backlinks_ = 0;
  std::map<std::string, uint64_t> verdicts_;
  std::map<std::string, uint64_t> categories_;
  std::map<std::string, uint64_t> rules_;
  std::map<std::string, uint64_t> dead_letters_by_stage_;
  std::map<std::string, uint64_t> target_domains_;
  std::vector<std::string> dead_letter_reasons_;
};

}  // namespace backlint
