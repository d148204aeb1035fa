#include "backlint/score/relevance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <span>
#include <sstream>
#include <string>
#include <vector>

namespace backlint {
namespace {

PageFacts HikingPage() {
  PageFacts page;
  page.title = "Hiking the Alps in May";
  page.main_terms = {"hiking", "trail", "hut", "alpine", "route", "snow", "zugspitze"};
  return page;
}

Link LinkTo(std::string_view url, std::string_view host, std::string_view domain, std::string_view anchor,
            std::string_view snippet = "") {
  Link link;
  link.url = std::string(url);
  link.host = std::string(host);
  link.registrable_domain = std::string(domain);
  link.anchor_text = std::string(anchor);
  link.snippet = std::string(snippet);
  link.anchor_kind = anchor.empty() ? AnchorKind::kEmpty : AnchorKind::kText;
  return link;
}

// A page's TopicalRelevance with its links' hosts numbered as the rule engine numbers them: one number per
// distinct host, from 0 on, in the order the links reach them.
class PageRelevance {
 public:
  explicit PageRelevance(const PageFacts& page) : relevance_(page) {}
  int Of(const Link& link) { return relevance_.Of(link, host_numbers_.emplace(link.host, host_numbers_.size()).first->second); }

 private:
  TopicalRelevance relevance_;
  std::map<std::string, size_t> host_numbers_;
};

// The definition written plainly: the relevance of a link with these topical (lower-cased) anchor, host
// label and path words against the page's and the context's stems, `stem` being the stem rule. A link term
// matches when its stem is a page or context stem or, for a host label, when the label contains such a
// stem of four bytes or more; a stem counts once, matched if any of its words matched.
int PlainRelevance(const std::set<std::string>& page_stems, const std::set<std::string>& context_stems,
                   const std::vector<std::string>& anchor, const std::vector<std::string>& labels,
                   const std::vector<std::string>& path, const std::function<std::string(const std::string&)>& stem) {
  std::set<std::string> matched, unmatched;
  const auto term = [&](const std::string& word, bool is_host_label) {
    bool match = page_stems.contains(stem(word)) || context_stems.contains(stem(word));
    for (const auto* stems : {&page_stems, &context_stems}) {
      for (const std::string& known : *stems) {
        match = match || (is_host_label && known.size() >= 4 && word.find(known) != std::string::npos);
      }
    }
    (match ? matched : unmatched).insert(stem(word));
  };
  for (const std::string& word : anchor) term(word, false);
  for (const std::string& word : labels) term(word, true);
  for (const std::string& word : path) term(word, false);
  for (const std::string& word : matched) unmatched.erase(word);
  const size_t terms = matched.size() + unmatched.size();
  if (terms == 0 || (page_stems.empty() && context_stems.empty())) return TopicalRelevance::kUnknown;
  return static_cast<int>(std::lround(
      100 * std::min(1.0, static_cast<double>(matched.size()) / static_cast<double>(std::min<size_t>(terms, 3)))));
}

TEST(TopicalRelevanceTest, OnTopicEditorialLinkScoresHigh) {
  PageRelevance relevance(HikingPage());
  // Anchor words (alpine, route) and a path word (zugspitze) are the page's terms.
  EXPECT_EQ(relevance.Of(LinkTo("https://www.alpenverein.de/touren/zugspitze", "www.alpenverein.de",
                                "alpenverein.de", "the Alpine Club's route guide")),
            100);
  // Word forms agree through the stem: "hikes" and "trails" are the page's "hiking" and "trail"; the host
  // label "maps" is not a page term.
  EXPECT_EQ(relevance.Of(LinkTo("https://maps.example/", "maps.example", "maps.example", "Hikes and trails")), 67);
}

TEST(TopicalRelevanceTest, UnrelatedKeywordLinkScoresZero) {
  PageRelevance relevance(HikingPage());
  EXPECT_EQ(relevance.Of(LinkTo("https://casino-royal.example/bonus", "casino-royal.example",
                                "casino-royal.example", "best online casino bonus")),
            0);
}

TEST(TopicalRelevanceTest, SurroundingTextCountsButNotTheAnchorItself) {
  PageRelevance relevance(PageFacts{});
  const Link in_context = LinkTo("https://shop.example/boots", "shop.example", "shop.example", "leather boots",
                                 "For wet days I wear leather boots, waterproofed twice a season.");
  // "leather" (and "boots") match only themselves in the snippet, which does not count: no page terms.
  EXPECT_EQ(relevance.Of(in_context), 0);
  const Link described = LinkTo("https://shop.example/boots", "shop.example", "shop.example", "this shop",
                                "For wet days I wear leather boots from this shop.");
  // Link terms: "shop" is non-topical; "boots" (path) matches the snippet's "boots".
  EXPECT_EQ(relevance.Of(described), 100);
}

TEST(TopicalRelevanceTest, OnlyTheAnchorAsWrittenIsLeftOutOfTheSnippet) {
  PageFacts page;
  page.main_terms = {"trail"};
  PageRelevance relevance(page);
  // "ALPINE" is the anchor's word in other letters, not the anchor: it counts, and matches the anchor's
  // "alpine" (one of the link's two terms, with the host label "example").
  EXPECT_EQ(relevance.Of(LinkTo("https://example.org/", "example.org", "example.org", "Alpine", "ALPINE trips")), 50);
  EXPECT_EQ(relevance.Of(LinkTo("https://example.org/", "example.org", "example.org", "Alpine", "ALPINE trips: Alpine")), 50);
  EXPECT_EQ(relevance.Of(LinkTo("https://example.org/", "example.org", "example.org", "Alpine", "trips: Alpine")), 0);
  // The anchor's bytes end the words around it, across the 64-byte blocks texts are scanned in: "ridges"
  // right after the (non-topical) anchor is a word of its own, and matches the path's "ridge".
  const std::string padding(60, '.');
  EXPECT_EQ(relevance.Of(LinkTo("https://example.org/ridge", "example.org", "example.org", "The",
                                padding + "Theridges " + padding)),
            50);
}

TEST(TopicalRelevanceTest, WordsMatchWhateverTheirCaseInAnyScript) {
  PageFacts page;
  page.title = "Горный туризм";
  page.main_terms = {"туризм", "маршрут", "горы"};
  PageRelevance relevance(page);
  const auto anchored = [&](std::string_view anchor) {
    return relevance.Of(LinkTo("https://gory.example/", "gory.example", "gory.example", anchor));
  };
  EXPECT_GT(anchored("туризм и маршрут"), 0);
  EXPECT_EQ(anchored("ТУРИЗМ И МАРШРУТ"), anchored("туризм и маршрут"));
  EXPECT_EQ(anchored("Туризм и Маршрут"), anchored("туризм и маршрут"));
}

TEST(TopicalRelevanceTest, HostLabelsContainingAPageTermMatch) {
  PageRelevance relevance(HikingPage());
  // "alpinehuts" contains "alpin"; "booking" does not match: one of two terms.
  EXPECT_EQ(relevance.Of(LinkTo("https://alpinehuts.example/booking", "alpinehuts.example", "alpinehuts.example",
                                "")),
            100 * 1 / 2);
}

TEST(TopicalRelevanceTest, ThreeMatchesAreEnoughForFullRelevance) {
  PageRelevance relevance(HikingPage());
  EXPECT_EQ(relevance.Of(LinkTo("https://x.example/", "x.example", "x.example",
                                "alpine hut route along the lakes near villages with bakeries")),
            100);
  EXPECT_EQ(relevance.Of(LinkTo("https://x.example/", "x.example", "x.example",
                                "snow reports for skiers and climbers")),
            33);
}

TEST(TopicalRelevanceTest, UnknownWithoutTopicalWordsOrPageText) {
  PageRelevance relevance(HikingPage());
  EXPECT_EQ(relevance.Of(LinkTo("https://www.com/", "www.com", "www.com", "click here")),
            TopicalRelevance::kUnknown);
  PageRelevance empty_page{PageFacts{}};
  EXPECT_EQ(empty_page.Of(LinkTo("https://casino.example/", "casino.example", "casino.example", "casino")),
            TopicalRelevance::kUnknown);
}

// Every non-topical word, in any case, is left out of a link's terms, and a word one letter away from one
// (a letter more, fewer or changed) is not: the words are looked up through a table of slots and heads.
TEST(TopicalRelevanceTest, NonTopicalWordsAndOnlyThoseAreLeftOut) {
  const std::span<const std::string_view> non_topical = TopicalRelevance::NonTopicalWords();
  ASSERT_GT(non_topical.size(), 90u);
  ASSERT_TRUE(std::find(non_topical.begin(), non_topical.end(), "the") != non_topical.end());
  const std::set<std::string> listed(non_topical.begin(), non_topical.end());
  PageRelevance relevance(HikingPage());
  // A bare host with no topical label: the anchor's words are the link's only terms.
  const auto relevance_of = [&](const std::string& anchor) {
    return relevance.Of(LinkTo("https://ab.example/", "ab.example", "ab.example", anchor));
  };
  for (const std::string_view listed_word : non_topical) {
    const std::string word(listed_word);
    std::string upper = word;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_EQ(relevance_of(word), TopicalRelevance::kUnknown) << word;
    EXPECT_EQ(relevance_of(upper), TopicalRelevance::kUnknown) << upper;
    std::vector<std::string> near = {word + "q", word.substr(1), word.substr(0, word.size() - 1)};
    for (size_t at = 0; at < word.size(); ++at) near.push_back(word.substr(0, at) + "q" + word.substr(at + 1));
    for (const std::string& other : near) {
      if (other.size() >= 3 && !listed.contains(other)) {
        EXPECT_NE(relevance_of(other), TopicalRelevance::kUnknown) << other;
      }
    }
  }
}

// A page of one term and a link whose only term is its host label, both random over letters no stem
// suffix ends in (so a word's stem is its first six letters): the label matches exactly when its stem is
// the term's, or when it contains the term's stem of four letters or more.
TEST(TopicalRelevanceTest, HostLabelMatchAgreesWithThePlainDefinitionOnRandomWords) {
  std::mt19937 random(20261130);
  const auto random_word = [&](size_t min_length, size_t max_length) {
    std::string word(min_length + random() % (max_length - min_length + 1), 'a');
    for (char& letter : word) letter = "abck"[random() % 4];
    return word;
  };
  int matches = 0;
  for (int round = 0; round < 5000; ++round) {
    PageFacts page;
    page.main_terms = {random_word(3, 9)};
    // Often embeds a piece of the term, so matches and near misses are frequent.
    const std::string piece = random() % 2 == 0 ? page.main_terms[0].substr(0, 3 + random() % 5) : "";
    const std::string label = random_word(0, 4) + piece + random_word(3, 5);
    const std::string term_stem = page.main_terms[0].substr(0, 6);
    const bool expected = label.substr(0, 6) == term_stem ||
                          (term_stem.size() >= 4 && label.find(term_stem) != std::string::npos);
    matches += expected ? 1 : 0;
    const std::string host = label + ".example";
    ASSERT_EQ(PageRelevance(page).Of(LinkTo("https://" + host + "/", host, host, "")), expected ? 100 : 0)
        << "term '" << page.main_terms[0] << "', host label '" << label << "'";
  }
  EXPECT_GT(matches, 1000);  // both outcomes are exercised
}


// Random pages, anchors, snippets, host labels and paths over letters no stem suffix ends in (a word's
// stem is its first six letters), against the definition: a link term matches when its stem is a stem of
// the page or of the snippet without the anchor, or, for a host label, when the label contains such a
// stem of four letters or more.
TEST(TopicalRelevanceTest, AgreesWithThePlainDefinitionOnRandomLinks) {
  std::mt19937 random(20261201);
  // Words are drawn from a small vocabulary per round, so that page, snippet and link share words often;
  // host labels are sometimes two words run together, to exercise matching inside a label.
  std::vector<std::string> vocabulary(8);
  const auto random_words = [&](size_t max_words, bool run_together = false) {
    std::vector<std::string> words(random() % (max_words + 1));
    for (std::string& word : words) {
      word = vocabulary[random() % vocabulary.size()];
      if (run_together && random() % 2 == 0) word += vocabulary[random() % vocabulary.size()];
    }
    return words;
  };
  const auto join = [](const std::vector<std::string>& words, std::string_view separator) {
    std::string out;
    for (const std::string& word : words) out.append(out.empty() ? "" : separator).append(word);
    return out;
  };
  const auto stem = [](const std::string& word) { return word.substr(0, 6); };
  int scores[101] = {};
  for (int round = 0; round < 5000; ++round) {
    for (std::string& word : vocabulary) {
      word.assign(3 + random() % 7, 'a');
      for (char& letter : word) letter = "abck"[random() % 4];
    }
    PageFacts page;
    page.main_terms = random_words(3);
    const std::vector<std::string> anchor = random_words(2), labels = random_words(2, true), path = random_words(2);
    const std::vector<std::string> before = random_words(4), after = random_words(4);
    const std::string anchor_text = join(anchor, " ");
    const std::string snippet = join(before, " ") + " " + anchor_text + " " + join(after, " ");
    // The registrable domain "co.uk" leaves the label "co", too short to be a term.
    const std::string host = join(labels, ".") + (labels.empty() ? "" : ".") + "co.uk";
    const Link link = LinkTo("https://" + host + "/" + join(path, "/"), host, "co.uk", anchor_text, snippet);

    std::set<std::string> page_stems, context_stems;
    for (const std::string& word : page.main_terms) page_stems.insert(stem(word));
    const size_t at = anchor_text.empty() ? std::string::npos : snippet.find(anchor_text);
    const std::string context = at == std::string::npos ? snippet : snippet.substr(0, at) + " " +
                                                                        snippet.substr(at + anchor_text.size());
    std::istringstream context_words(context);
    for (std::string word; context_words >> word;) context_stems.insert(stem(word));
    const int expected = PlainRelevance(page_stems, context_stems, anchor, labels, path, stem);
    ASSERT_EQ(PageRelevance(page).Of(link), expected) << "snippet '" << snippet << "', url " << link.url;
    ++scores[expected];
  }
  // Every outcome is exercised.
  EXPECT_GT(scores[0], 100);
  EXPECT_GT(scores[100], 100);
  EXPECT_GT(scores[33] + scores[67], 100);
  EXPECT_GT(scores[TopicalRelevance::kUnknown], 100);
}

// Random links over letters that every stem rule and case path meets: suffix letters in both cases
// ("Hikings", "RIDES"), a letter outside ASCII ("É", folded to "é"), all-digit words, non-topical words,
// words of about 64 bytes and queries after the path, against the definition written plainly; pages are
// sometimes empty. The
// non-topical words these letters, the words mixed in and their forms can spell are listed.
TEST(TopicalRelevanceTest, AgreesWithTheDefinitionWithSuffixesCaseAndFolding) {
  std::mt19937 random(20261202);
  const std::vector<std::string> letters = {"b", "k", "s", "e", "g", "r", "i", "n", "y", "d",
                                            "B", "K", "S", "E", "G", "R", "I", "N", "Y", "D", "\xC3\x89",
                                            "\xE2\x84\xAA"};  // the Kelvin sign folds to "k": shorter, and ASCII
  const std::set<std::string> non_topical = {"der", "des", "die", "see", "the", "they", "www", "click"};
  std::vector<std::string> vocabulary(10);
  const auto random_words = [&](size_t max_words) {
    std::vector<std::string> words(random() % (max_words + 1));
    for (std::string& word : words) word = vocabulary[random() % vocabulary.size()];
    return words;
  };
  const auto join = [](const std::vector<std::string>& words, std::string_view separator) {
    std::string out;
    for (const std::string& word : words) out.append(out.empty() ? "" : separator).append(word);
    return out;
  };
  const auto lower = [](std::string word) {
    for (size_t at = word.find("\xC3\x89"); at != std::string::npos; at = word.find("\xC3\x89")) word[at + 1] = '\xA9';
    for (size_t at = word.find("\xE2\x84\xAA"); at != std::string::npos; at = word.find("\xE2\x84\xAA")) word.replace(at, 3, "k");
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return word;
  };
  // Topical words of `text`, lower-cased.
  const auto topical_words = [&](std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    for (size_t at = 0; at <= text.size(); ++at) {
      const unsigned char c = at < text.size() ? static_cast<unsigned char>(text[at]) : ' ';
      if (std::isalnum(c) || c >= 0x80) {
        word += static_cast<char>(c);
        continue;
      }
      const bool only_digits = std::all_of(word.begin(), word.end(), [](char d) { return std::isdigit(d); });
      if (word.size() >= 3 && word.size() <= 64 && !only_digits && !non_topical.contains(lower(word))) {
        words.push_back(lower(word));
      }
      word.clear();
    }
    return words;
  };
  const auto stem = [](std::string word) {
    const auto ends = [&](std::string_view suffix) {
      return word.size() >= suffix.size() + 3 && std::string_view(word).ends_with(suffix);
    };
    for (std::string_view suffix : {"ings", "ing", "ers", "er", "ies", "es", "ed", "s", "e", "y"}) {
      if (ends(suffix)) {
        word.resize(word.size() - suffix.size());
        break;
      }
    }
    return word.substr(0, 6);
  };
  int scores[101] = {};
  for (int round = 0; round < 5000; ++round) {
    for (size_t i = 0; i < vocabulary.size(); ++i) {
      std::string& word = vocabulary[i];
      const int kind = static_cast<int>(random() % 10);
      if (kind == 0) {
        word = std::to_string(random() % 100000);
      } else if (kind == 1) {
        word = std::vector<std::string>{"the", "THE", "www", "Click", "see"}[random() % 5];
      } else if (kind <= 4 && i > 0) {
        // Another form of an earlier word, so that stems meet through their suffixes and case.
        static const std::vector<std::string> kEndings = {"s", "es", "ing", "ings", "er", "ers", "ed", "e", "y", "ies", "ES"};
        word = vocabulary[random() % i];
        word = random() % 2 == 0 ? word + kEndings[random() % kEndings.size()] : word.substr(0, word.size() - 1);
      } else {
        word.clear();
        // Now and then a word of about 64 bytes, the most a topical word has, so that words and texts
        // cross the 64-byte blocks that texts are scanned in.
        const size_t length = random() % 5 == 0 ? 58 + random() % 10 : 2 + random() % 9;
        while (word.size() < length) word += letters[random() % letters.size()];
      }
    }
    PageFacts page;
    if (random() % 5 != 0) {
      page.main_terms = random_words(3);
      page.title = join(random_words(3), " ");
    }
    const std::vector<std::string> anchor = random_words(3), labels = random_words(2), path = random_words(3);
    const std::string anchor_text = join(anchor, " ");
    const std::string snippet = join(random_words(5), " ") + " " + anchor_text + join(random_words(5), " ");
    const std::string host = join(labels, "-") + (labels.empty() ? "" : ".") + "co.uk";
    const std::string query = random() % 3 == 0 ? "?q=" + vocabulary[0] : "";
    const Link link = LinkTo("https://" + host + "/" + join(path, "/") + query, host, "co.uk", anchor_text, snippet);

    std::set<std::string> page_stems, context_stems;
    for (const std::string& term : page.main_terms) {
      for (const std::string& word : topical_words(term)) page_stems.insert(stem(word));
    }
    for (const std::string& word : topical_words(page.title)) page_stems.insert(stem(word));
    const size_t at = anchor_text.empty() ? std::string::npos : snippet.find(anchor_text);
    for (const std::string& part : at == std::string::npos
                                       ? std::vector<std::string>{snippet}
                                       : std::vector<std::string>{snippet.substr(0, at), snippet.substr(at + anchor_text.size())}) {
      for (const std::string& word : topical_words(part)) context_stems.insert(stem(word));
    }
    const int expected = PlainRelevance(page_stems, context_stems, topical_words(anchor_text),
                                        topical_words(join(labels, "-")), topical_words(join(path, "/")), stem);
    // Every other round the host was seen before, through a bare link to it: its labels' facts are reused.
    PageRelevance relevance(page);
    if (round % 2 == 0) relevance.Of(LinkTo("https://" + host + "/", host, "co.uk", ""));
    ASSERT_EQ(relevance.Of(link), expected)
        << "page '" << join(page.main_terms, ",") << "' / '" << page.title << "', snippet '" << snippet
        << "', url " << link.url;
    ++scores[expected];
  }
  // Every outcome is exercised.
  EXPECT_GT(scores[0], 100);
  EXPECT_GT(scores[100], 100);
  EXPECT_GT(scores[33] + scores[50] + scores[67], 100);
}

// Links of two pages interleaved, to hosts in random order, some linked again: each link's relevance is
// what it is on a page of its own, whichever hosts the per-thread host memo holds and for which page.
TEST(TopicalRelevanceTest, HostsLinkedAgainAgreeWithAFreshPage) {
  std::mt19937 random(20261203);
  const std::vector<std::string> words = {"hiking", "trail", "alpenverein", "casino", "snow", "routes", "bonus", "huts"};
  const auto word = [&] { return words[random() % words.size()]; };
  const PageFacts hiking = HikingPage();
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> hosts(1 + random() % 12);
    for (std::string& host : hosts) host = word() + (random() % 2 == 0 ? "-" + word() : "") + ".co.uk";
    PageFacts other_page;
    other_page.main_terms = {word()};
    // Each link's answer alone first: a fresh page empties the memo, which the links after must not meet.
    std::vector<std::pair<Link, bool>> links;  // and whether it is on the other page
    std::vector<int> expected;
    for (int link_index = 0; link_index < 40; ++link_index) {
      const std::string& host = hosts[random() % hosts.size()];
      const bool on_other = random() % 3 == 0;
      links.emplace_back(LinkTo("https://" + host + "/" + word(), host, "co.uk", word(), word() + " " + word()), on_other);
      expected.push_back(PageRelevance(on_other ? other_page : hiking).Of(links.back().first));
    }
    PageRelevance relevance(hiking), other(other_page);
    for (size_t at = 0; at < links.size(); ++at) {
      const auto& [link, on_other] = links[at];
      ASSERT_EQ((on_other ? other : relevance).Of(link), expected[at]) << "url " << link.url << ", round " << round;
    }
  }
}

}  // namespace
}  // namespace backlint
