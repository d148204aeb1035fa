#include "backlint/app/event_summary.h"

#include <algorithm>
#include <iomanip>
#include <vector>

namespace backlint {
namespace {

// "VERDICT_TOXIC" -> "toxic": the proto enum name without its prefix.
std::string ShortName(const std::string& enum_name) {
  std::string name = enum_name.substr(enum_name.find('_') + 1);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name;
}

void PrintCounts(std::ostream& out, const std::string& title, const std::map<std::string, uint64_t>& counts) {
  out << title << "\n";
  if (counts.empty()) out << "    (none)\n";
  for (const auto& [name, count] : counts) out << "    " << std::left << std::setw(44) << name << count << "\n";
}

}  // namespace

void EventSummary::AddEvent(const v1::BacklinkEvent& event) {
  ++backlinks_;
  ++verdicts_[ShortName(v1::Verdict_Name(event.verdict()))];
  ++target_domains_[event.target().registrable_domain()];
  for (const v1::Flag& flag : event.flags()) {
    // "CATEGORY_FORCED_KEYWORD" -> "forced_keyword"
    ++categories_[ShortName(v1::Category_Name(flag.category()))];
    ++rules_[flag.rule_id()];
  }
}

void EventSummary::AddDeadLetter(const std::string& stage, const std::string& reason) {
  ++dead_letters_by_stage_[stage];
  dead_letter_reasons_.push_back(stage + ": " + reason);
}

void EventSummary::Print(std::ostream& out) const {
  out << "  backlink events        " << backlinks_ << " (to " << target_domains_.size() << " target domains)\n";
  PrintCounts(out, "  verdicts", verdicts_);
  PrintCounts(out, "  flags by category", categories_);
  PrintCounts(out, "  flags by rule", rules_);
  uint64_t dead_letters = 0;
  for (const auto& [stage, count] : dead_letters_by_stage_) dead_letters += count;
  out << "  dead letters           " << dead_letters << "\n";
  for (const std::string& reason : dead_letter_reasons_) out << "    " << reason << "\n";
}

}  // namespace backlint
