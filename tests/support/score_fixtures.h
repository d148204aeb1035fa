#pragma once
// Pages and links the score tests share: a hiking blog post and a link its editor chose.
#include <string>
#include <vector>

#include "backlint/link.h"
#include "backlint/score/rule_set.h"

namespace backlint {

inline PageFacts BlogPage() {
  PageFacts page;
  page.url = "https://blog.example.com/2024/05/hiking-the-alps";
  page.host = "blog.example.com";
  page.registrable_domain = "example.com";
  page.title = "Hiking the Alps in May";
  page.lang = "en";
  page.meta_robots = "index, follow";
  page.outbound_links = 12;
  page.external_domains = 9;
  page.body_words = 1400;
  page.link_text_ratio = 0.04;
  page.main_terms = {"hiking", "alps", "alpine", "trail", "hut", "route", "snow", "zugspitze", "day", "pass"};
  return page;
}

// A link an editor chose: descriptive anchor, in the article body, no rel.
inline Link EditorialLink() {
  Link link;
  link.url = "https://www.alpenverein.de/touren/zugspitze";
  link.host = "www.alpenverein.de";
  link.registrable_domain = "alpenverein.de";
  link.is_backlink = true;
  link.anchor_text = "the Alpine Club's route guide";
  link.anchor_kind = AnchorKind::kText;
  link.snippet = "On the second day we followed the Alpine Club's route guide up to the hut.";
  link.region = Region::kContent;
  link.position = 4;
  return link;
}

// The ids of the rules that fired, in rule-file order.
inline std::vector<std::string> FiredIds(const Score& score) {
  std::vector<std::string> ids;
  for (const Flag& flag : score.flags) ids.push_back(flag.rule_id);
  return ids;
}

}  // namespace backlint
