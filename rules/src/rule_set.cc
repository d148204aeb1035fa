#include "backlint/score/rule_set.h"

#include <emmintrin.h>  // SSE2, part of x86-64
#include <re2/re2.h>

#include <xxhash.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <sstream>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <variant>

#include "backlint/score/list_matcher.h"
#include "backlint/score/regex_group.h"
#include "backlint/score/relevance.h"
#include "text_bytes.h"
#include "url_parts.h"

namespace backlint {

std::string_view ToString(Category category) {
  switch (category) {
    case Category::kPaid:
      return "paid";
    case Category::kForcedKeyword:
      return "forced_keyword";
    case Category::kSpammy:
      return "spammy";
  }
  return "spammy";
}

std::string_view ToString(Severity severity) {
  switch (severity) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
  }
  return "medium";
}

std::string_view ToString(TrustAction action) {
  switch (action) {
    case TrustAction::kNone:
      return "none";
    case TrustAction::kAllow:
      return "allow";
    case TrustAction::kBlock:
      return "block";
  }
  return "none";
}

std::string_view ToString(Verdict verdict) {
  switch (verdict) {
    case Verdict::kClean:
      return "clean";
    case Verdict::kSuspicious:
      return "suspicious";
    case Verdict::kToxic:
      return "toxic";
  }
  return "clean";
}

namespace {

// ---------------------------------------------------------------------------------------------------------
// Fields: every name a rule may test or an evidence template may print, resolved once at load to a typed
// accessor. The variant alternative is the field's type; its index selects the operators it supports.

struct PageEvaluation;

// The link a rule is tried on, with its page and the page's cross-link facts.
struct Subject {
  const Link& link;
  const PageFacts& page;
  const PageEvaluation& evaluation;
  size_t index;  // of the link among the page's backlinks
};

using TextGetter = std::string_view (*)(const Subject&);
using TokensGetter = const std::vector<std::string>& (*)(const Subject&);
using BoolGetter = bool (*)(const Subject&);
using IntGetter = int (*)(const Subject&);
using Getter = std::variant<TextGetter, TokensGetter, BoolGetter, IntGetter>;

struct FieldType {
  std::string_view name;
  std::string_view operators;  // for error messages
};
// Indexed by Getter::index().
constexpr FieldType kFieldTypes[] = {
    {"text", "equals, contains, in_list, matches"},
    {"token list", "contains, in_list, matches"},
    {"boolean", "equals"},
    {"integer", "equals, greater_than, less_than"},
};

template <std::string Link::*member>
std::string_view LinkText(const Subject& subject) {
  return subject.link.*member;
}
template <std::string PageFacts::*member>
std::string_view PageText(const Subject& subject) {
  return subject.page.*member;
}

constexpr std::string_view kAnchorKinds[] = {"text", "image", "empty"};
constexpr std::string_view kRegions[] = {"content", "nav",      "header",  "footer",
                                          "sidebar", "comments", "related", "sponsored"};

struct FieldSpec {
  std::string_view name;
  Getter get;
  std::span<const std::string_view> vocabulary = {};  // the only values a closed text field takes
  IntGetter ordinal = nullptr;  // a closed text field's value as its index in `vocabulary`, compared cheaper
};

// Closed text fields compared by their value's index in their vocabulary.
int AnchorKindOrdinal(const Subject& subject) { return static_cast<int>(subject.link.anchor_kind); }
int RegionOrdinal(const Subject& subject) { return static_cast<int>(subject.link.region); }

// Per-link facts that need the whole page; defined with PageEvaluation below.
int AnchorRepeats(const Subject& subject);
int AnchorWords(const Subject& subject);
int AnchorTargetEcho(const Subject& subject);
int LinkRunLength(const Subject& subject);
int LinkRunDomains(const Subject& subject);
int RelevanceOf(const Subject& subject);
int TargetPageLinks(const Subject& subject);

const FieldSpec kFields[] = {
    {"target.url", &LinkText<&Link::url>},
    {"target.host", &LinkText<&Link::host>},
    {"target.registrable_domain", &LinkText<&Link::registrable_domain>},
    {"anchor.text", &LinkText<&Link::anchor_text>},
    {"anchor.kind", TextGetter{[](const Subject& subject) { return ToString(subject.link.anchor_kind); }},
     kAnchorKinds, &AnchorKindOrdinal},
    {"rel", TokensGetter{[](const Subject& subject) -> const std::vector<std::string>& {
       return subject.link.rel;
     }}},
    {"snippet", &LinkText<&Link::snippet>},
    {"region", TextGetter{[](const Subject& subject) { return ToString(subject.link.region); }}, kRegions,
     &RegionOrdinal},
    {"hidden", BoolGetter{[](const Subject& subject) { return subject.link.hidden; }}},
    {"position", IntGetter{[](const Subject& subject) { return subject.link.position; }}},
    {"page.url", &PageText<&PageFacts::url>},
    {"page.host", &PageText<&PageFacts::host>},
    {"page.registrable_domain", &PageText<&PageFacts::registrable_domain>},
    {"page.title", &PageText<&PageFacts::title>},
    {"page.lang", &PageText<&PageFacts::lang>},
    {"page.meta_robots", &PageText<&PageFacts::meta_robots>},
    {"page.outbound_links", IntGetter{[](const Subject& subject) { return subject.page.outbound_links; }}},
    {"page.canonical_url", &PageText<&PageFacts::canonical_url>},
    {"page.nofollow", BoolGetter{[](const Subject& subject) { return subject.page.nofollow; }}},
    {"page.external_domains", IntGetter{[](const Subject& subject) { return subject.page.external_domains; }}},
    {"page.body_words", IntGetter{[](const Subject& subject) { return subject.page.body_words; }}},
    // A percentage, since rules compare integers.
    {"page.link_text_percent", IntGetter{[](const Subject& subject) {
       return static_cast<int>(std::lround(subject.page.link_text_ratio * 100));
     }}},
    {"page.main_terms", TokensGetter{[](const Subject& subject) -> const std::vector<std::string>& {
       return subject.page.main_terms;
     }}},
    {"page.https", BoolGetter{[](const Subject& subject) { return subject.page.site.https; }}},
    {"page.has_canonical", BoolGetter{[](const Subject& subject) { return subject.page.site.has_canonical; }}},
    {"page.has_contact", BoolGetter{[](const Subject& subject) { return subject.page.site.has_contact; }}},
    {"page.tracking_ids", TokensGetter{[](const Subject& subject) -> const std::vector<std::string>& {
       return subject.page.site.tracking_ids;
     }}},
    {"text_chars_before", IntGetter{[](const Subject& subject) { return subject.link.text_chars_before; }}},
    {"anchor.words", IntGetter{&AnchorWords}},
    {"anchor.repeats", IntGetter{&AnchorRepeats}},
    {"anchor.target_echo", IntGetter{&AnchorTargetEcho}},
    {"link_run.length", IntGetter{&LinkRunLength}},
    {"link_run.domains", IntGetter{&LinkRunDomains}},
    {"relevance", IntGetter{&RelevanceOf}},
    {"target.page_links", IntGetter{&TargetPageLinks}},
    {"section_heading", &LinkText<&Link::section_heading>},
    {"article_label", &LinkText<&Link::article_label>},
    {"list_item_links", IntGetter{[](const Subject& subject) { return subject.link.list_item_links; }}},
    {"anchor.image_from_target", BoolGetter{[](const Subject& subject) { return subject.link.image_from_target; }}},
};

template <typename... Visitors>
struct Overloaded : Visitors... {
  using Visitors::operator()...;
};

void AppendValue(const Getter& getter, const Subject& subject, std::string& out) {
  std::visit(Overloaded{
                 [&](TextGetter get) { out += get(subject); },
                 [&](TokensGetter get) {
                   const auto& tokens = get(subject);
                   for (size_t i = 0; i < tokens.size(); ++i) out.append(i == 0 ? "" : " ").append(tokens[i]);
                 },
                 [&](BoolGetter get) { out += get(subject) ? "true" : "false"; },
                 [&](IntGetter get) { out += std::to_string(get(subject)); },
             },
             getter);
}

// ---------------------------------------------------------------------------------------------------------
// Text helpers (byte classes and SqueezeInto in text_bytes.h).

template <typename IsSeparator>
std::string Squeeze(std::string_view text, IsSeparator is_separator) {
  std::string out;
  out.reserve(text.size());
  SqueezeInto(text, is_separator, out);
  return out;
}

std::string NormaliseText(std::string_view text) { return Squeeze(text, IsSpace); }
std::string ToLower(std::string_view text) {
  return Squeeze(text, [](char) { return false; });
}

bool EqualsIgnoreCase(std::string_view text, std::string_view lower_case) {
  return std::equal(text.begin(), text.end(), lower_case.begin(), lower_case.end(),
                    [](char a, char b) { return Lower(a) == b; });
}

bool ContainsIgnoreCase(std::string_view text, std::string_view lower_case) {
  return std::search(text.begin(), text.end(), lower_case.begin(), lower_case.end(),
                     [](char a, char b) { return Lower(a) == b; }) != text.end();
}

template <typename Range>
std::string Join(const Range& names) {
  std::string out;
  for (std::string_view name : names) out.append(out.empty() ? "" : ", ").append(name);
  return out;
}

std::string FieldNames() {
  std::string out;
  for (const FieldSpec& field : kFields) out.append(out.empty() ? "" : ", ").append(field.name);
  return out;
}

template <typename... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

std::string FormatNumber(double number) {
  std::ostringstream out;
  out << number;
  return out.str();
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// ---------------------------------------------------------------------------------------------------------
// Compiled rules.

// Predicates run on a page's backlinks 64 at a time: a block's links are bits of a word, and a predicate takes
// the block's links it is asked about and returns those it holds for. A combinator is then called once per
// block, not once per link, and short-circuits by narrowing the bits it passes on: `all` asks each operand
// only about the links every earlier one held for, `any` only about those no earlier one held for, so every
// field test runs on exactly the links it would run on one link at a time.
constexpr size_t kBlockLinks = 64;
// A field's `matches` patterns are searched in groups of at most this many, so that the patterns a group
// finds in a value fit a word, with a bit to spare.
constexpr size_t kMaxGroupPatterns = 63;
using LinkBits = uint64_t;  // bit i: the backlink at kBlockLinks * block + i

// A compiled predicate: a function of a block's candidate links and the state it was compiled with (operands,
// slots, the field test's values), which lives in its rule set's PredicateStates.
class BlockTest {
 public:
  BlockTest() = default;
  LinkBits operator()(const PageEvaluation& evaluation, size_t block, LinkBits candidates) const {
    return call_(state_, evaluation, block, candidates);
  }

 private:
  friend class PredicateStates;
  using Call = LinkBits (*)(const void* state, const PageEvaluation&, size_t block, LinkBits candidates);
  BlockTest(Call call, const void* state) : call_(call), state_(state) {}
  Call call_ = nullptr;
  const void* state_ = nullptr;
};

// The states of a rule set's predicates, side by side in the order they are compiled (a combinator's
// operands just before it), where std::function kept each in a heap block of its own: every block of
// backlinks walks the rules' predicates, and parsing a page between two pages' scoring evicts them from
// the caches, so the fewer lines they span, the fewer misses each page pays to read them again.
class PredicateStates {
 public:
  PredicateStates() = default;
  PredicateStates(PredicateStates&&) = default;
  PredicateStates& operator=(PredicateStates&&) = delete;
  ~PredicateStates() {
    for (auto destroy = destructors_.rbegin(); destroy != destructors_.rend(); ++destroy) {
      destroy->destroy(destroy->state);
    }
  }

  // `test`, a function of (evaluation, block, candidates), moved in with its state.
  template <typename Test>
  BlockTest Add(Test test) {
    Test* state = new (Allocate(sizeof(Test), alignof(Test))) Test(std::move(test));
    if constexpr (!std::is_trivially_destructible_v<Test>) {
      destructors_.push_back({state, [](void* destroyed) { static_cast<Test*>(destroyed)->~Test(); }});
    }
    return BlockTest(
        [](const void* called, const PageEvaluation& evaluation, size_t block, LinkBits candidates) -> LinkBits {
          return (*static_cast<const Test*>(called))(evaluation, block, candidates);
        },
        state);
  }

  // `tests` copied in, for a combinator's state to view.
  std::span<const BlockTest> Add(const std::vector<BlockTest>& tests) {
    auto* copied = static_cast<BlockTest*>(Allocate(sizeof(BlockTest) * tests.size(), alignof(BlockTest)));
    std::uninitialized_copy(tests.begin(), tests.end(), copied);
    return {copied, tests.size()};
  }

 private:
  static constexpr size_t kChunkBytes = 16384;
  void* Allocate(size_t size, size_t alignment) {
    if (size > kChunkBytes || alignment > __STDCPP_DEFAULT_NEW_ALIGNMENT__) throw std::bad_alloc();
    size_t at = (used_ + alignment - 1) & ~(alignment - 1);
    if (chunks_.empty() || at + size > kChunkBytes) {
      chunks_.push_back(std::make_unique<std::byte[]>(kChunkBytes));
      at = 0;
    }
    used_ = at + size;
    return chunks_.back().get() + at;
  }
  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  size_t used_ = 0;  // bytes of the last chunk
  struct Destructor {
    void* state;
    void (*destroy)(void* state);
  };
  std::vector<Destructor> destructors_;  // of the states that have one, in the order added
};

// The links of `candidates` in `block`, lowest first.
template <typename Visit>
void ForEachLink(size_t block, LinkBits candidates, Visit visit) {
  for (LinkBits rest = candidates; rest != 0; rest &= rest - 1) {
    const int bit = std::countr_zero(rest);
    visit(block * kBlockLinks + bit, LinkBits{1} << bit);
  }
}

struct EvidencePart {
  std::string literal;
  const FieldSpec* field = nullptr;  // printed after the literal; null for the trailing literal
};

struct CompiledRule {
  std::string id;
  Category category = Category::kSpammy;
  Severity severity = Severity::kMedium;
  double weight = 0;
  std::vector<EvidencePart> evidence;
};

std::string RenderEvidence(const std::vector<EvidencePart>& parts, const Subject& subject) {
  // Rendered into a buffer that keeps its room from flag to flag, then copied out: one allocation of the
  // right size, where appending the parts to the returned string would grow it several times.
  thread_local std::string rendered;
  rendered.clear();
  for (const EvidencePart& part : parts) {
    rendered += part.literal;
    if (part.field != nullptr) AppendValue(part.field->get, subject, rendered);
  }
  return rendered;
}

}  // namespace

struct TrustList {
  std::shared_ptr<const StringSet> domains;  // normalised registrable domains
  std::string reason;
};

namespace {
// The value slots of the text fields that every backlink's facts read, whether or not a rule tests them:
// anchor.repeats compares the anchors' list values, links alike in the texts relevance reads share it, and
// target.page_links, link runs and same_target neighbours count by registrable domain.
constexpr size_t kAnchorValueSlot = 0, kUrlValueSlot = 1, kHostValueSlot = 2, kSnippetValueSlot = 3,
                 kDomainValueSlot = 4;
}  // namespace

struct RuleSet::Compiled {
  PredicateStates predicate_states;  // of the rules' and the named predicates' BlockTests
  double start = 100;
  double suspicious_below = 80;
  double toxic_below = 40;
  std::vector<CompiledRule> rules;  // enabled rules only, in file order
  // Per rule, its `when`: every block reads them all, so they are kept apart from the rest of the rule, in
  // the predicate states.
  std::span<const BlockTest> rule_tests;
  std::vector<TrustList> allow, block;
  size_t neighbour_predicates = 0;  // each gets a per-page cache slot
  size_t cached_predicates = 0;     // named predicates and distinct field tests; each gets a per-link cache slot
  size_t page_predicates = 0;       // tests of page fields alone; each gets a per-page cache slot
  // Text fields tested by in_list or matches, and those every backlink's facts read (anchor.text,
  // target.url, target.host, snippet, target.registrable_domain): each gets a value slot, where the page's
  // distinct values of the field are numbered and their list values and regex answers cached.
  size_t value_fields = 0;
  std::vector<bool> page_value_slots;  // per value slot: whether its field is the page's, one value per page
  size_t regex_groups = 0;  // each gets a per-value cache slot for the patterns found
  // Per group slot, and one past the last: where the group's words start in a block's row of found masks (see
  // PageEvaluation::RegexFound), one for the links looked up and two per pattern.
  std::vector<size_t> found_mask_offsets;
  // The same for list-hit groups (see PageEvaluation::ListHitsHolding), one per list tested.
  std::vector<size_t> list_hit_mask_offsets;
};

namespace {

// A run of links "with no real text between them" (link chains, ad tables) allows at most this many
// characters between two links: room for a separator such as " | " or ", ".
constexpr int kRunGapChars = 3;

// Numbers distinct texts 0, 1, 2... in order of first appearance and counts how often each was added: an
// open-addressing table, reused from page to page, where a hash map would allocate per text.
class TextIds {
 public:
  // Forgets every text. At most `expected` distinct ones may be added until the next Reset: the table does
  // not grow. It is cleared for every field of every page, and a page's values mostly repeat (a field has
  // far fewer distinct values than the page has backlinks), so it is sized for at most two thirds full.
  void Reset(size_t expected) {
    slots_.assign(std::bit_ceil(expected + expected / 2 + 2), kEmpty);
    texts_.clear();
    counts_.clear();
  }

  int Add(std::string_view text) {
    const uint64_t hash = XXH3_64bits(text.data(), text.size());
    // A slot holds 1 + its text's id in the bits below the table's size (ids are fewer than its slots), and
    // above them the hash's high bits.
    const uint32_t id_bits = static_cast<uint32_t>(slots_.size() - 1);
    const uint32_t tag = static_cast<uint32_t>(hash >> 32) & ~id_bits;
    for (size_t at = hash & id_bits;; at = (at + 1) & id_bits) {
      const uint32_t slot = slots_[at];
      if (slot == kEmpty) {
        const int id = static_cast<int>(texts_.size());
        slots_[at] = tag | static_cast<uint32_t>(id + 1);
        texts_.push_back(text);
        counts_.push_back(1);
        return id;
      }
      if (const int id = static_cast<int>(slot & id_bits) - 1; (slot & ~id_bits) == tag && texts_[id] == text) {
        ++counts_[id];
        return id;
      }
    }
  }

  // Counts text `id` added once more, without hashing it again.
  void AddAgain(int id) { ++counts_[id]; }

  size_t size() const { return texts_.size(); }
  std::string_view text(int id) const { return texts_[id]; }
  int count(int id) const { return counts_[id]; }

 private:
  static constexpr uint32_t kEmpty = 0;
  // A power of two, at most two thirds full; four bytes a slot, so that the table a page clears and probes
  // spans half the lines. The tag lets most slots of other texts be passed without a compare.
  std::vector<uint32_t> slots_;
  std::vector<std::string_view> texts_;  // by id
  std::vector<int> counts_;              // by id
};

// Of a backlink's anchor text: its words, and the share of them its target's host spells (anchor.target_echo).
struct AnchorWordsAndEcho {
  int words, echo;
};

// Facts about each link that need the whole page, computed once per page before any rule runs, and the
// per-page caches of `neighbours` predicates. One per thread, reset for each page (a thread evaluates one
// page at a time): its buffers keep their room, so a page allocates only when it needs more than any before.
// Answers of a group of tests (a regex group's patterns, the lists of a field's index) for a page's links, as
// a mask per answer per block of links, so that after the first test of a group on a block the others read
// one mask. Per block, a row of words: per group, from its offset, the block's links looked up, then per
// answer those of them that have it.
class BlockAnswerMasks {
 public:
  // `offsets`: per group, and one past the last, where its words start in a row (a rule set's Compiled).
  void Reset(const std::vector<size_t>& offsets, size_t blocks) {
    offsets_ = offsets.data();
    row_ = offsets.back();
    masks_.assign(row_ * blocks, 0);
  }
  // The offsets for groups of answers[g] answers each: a word for the links looked up, then `words` per answer.
  static std::vector<size_t> OffsetsFor(const std::vector<size_t>& answers, size_t words = 1) {
    std::vector<size_t> offsets = {0};
    for (const size_t group_answers : answers) offsets.push_back(offsets.back() + 1 + words * group_answers);
    return offsets;
  }
  size_t AnswersOf(size_t group) const { return offsets_[group + 1] - offsets_[group] - 1; }
  // The masks of `group` in `block`, once `spread(needed, masks)` has set the bits of the `needed` links
  // (those of `candidates` not looked up yet) in them.
  template <typename Spread>
  LinkBits* LookedUp(size_t group, size_t block, LinkBits candidates, Spread spread) {
    LinkBits* const masks = masks_.data() + block * row_ + offsets_[group];
    if (const LinkBits needed = candidates & ~masks[0]; needed != 0) {
      spread(needed, masks + 1);
      masks[0] |= needed;
    }
    return masks + 1;
  }
  // Of `candidates` in `block`, those that have answer `answer` of `group`, of one word each: `spread` sets
  // masks[i] for answer i.
  template <typename Spread>
  LinkBits Holding(size_t group, size_t block, LinkBits candidates, size_t answer, Spread spread) {
    return candidates & LookedUp(group, block, candidates, spread)[answer];
  }

 private:
  const size_t* offsets_ = nullptr;
  size_t row_ = 0;
  std::vector<LinkBits> masks_;
};

class PageEvaluation {
 public:
  void Reset(const PageFacts& page, std::span<const Link> links, const RuleSet::Compiled& compiled) {
    page_ = &page;
    links_ = links;
    link_index_.clear();
    for (size_t i = 0; i < links.size(); ++i) {
      if (links[i].is_backlink) link_index_.push_back(i);
    }
    backlink_count_ = link_index_.size();
    blocks_ = (backlink_count_ + kBlockLinks - 1) / kBlockLinks;
    facts_.resize(backlink_count_);
    neighbour_caches_.resize(compiled.neighbour_predicates);
    for (NeighbourCache& cache : neighbour_caches_) cache.counted = false;
    cached_predicates_ = compiled.cached_predicates;
    named_results_.assign(cached_predicates_ * blocks_, NamedResults{});
    page_results_.assign(compiled.page_predicates, kNotEvaluated);
    value_ids_.assign(compiled.value_fields * backlink_count_, kNotNumbered);
    value_numbers_.resize(compiled.value_fields);
    values_numbered_.assign(compiled.value_fields, false);
    page_value_slots_ = &compiled.page_value_slots;
    last_values_.assign(compiled.value_fields, LastValue{});
    list_values_used_ = 0;
    // A field has at most as many distinct values as the page has backlinks.
    list_value_of_.assign(compiled.value_fields * backlink_count_, nullptr);
    value_patterns_.assign(compiled.regex_groups * backlink_count_, ValuePatterns{});
    found_masks_.Reset(compiled.found_mask_offsets, blocks_);
    list_hit_masks_.Reset(compiled.list_hit_mask_offsets, blocks_);
    anchor_facts_.assign(backlink_count_, AnchorFacts{});

    const TopicalRelevance relevance(page);
    // Text anchors are compared normalised, as list tests see them: their list values are made here, and
    // list tests of anchor.text reuse them.
    anchor_links_.clear();
    domain_links_.clear();
    anchor_ids_.Reset(backlink_count_);
    normalised_anchor_of_.assign(backlink_count_, kNotNumbered);
    relevance_by_url_.clear();
    for (size_t i = 0; i < backlink_count_; ++i) {
      const Link& backlink = link(i);
      const int domain = Number(kDomainValueSlot, i, backlink.registrable_domain);
      if (static_cast<size_t>(domain) == domain_links_.size()) domain_links_.push_back(0);  // numbers come in order
      ++domain_links_[domain];
      facts_[i] = {SharedRelevance(relevance, i, domain), 0, 0, 0, domain};
      if (backlink.anchor_kind != AnchorKind::kText) continue;
      // An anchor seen before on the page is counted again under its normalised number, not normalised again.
      const int anchor = ValueId(kAnchorValueSlot, &LinkText<&Link::anchor_text>, i);
      int& normalised = normalised_anchor_of_[anchor];
      if (normalised == kNotNumbered) {
        normalised = anchor_ids_.Add(ListValueOf(kAnchorValueSlot, anchor).Text());
      } else {
        anchor_ids_.AddAgain(normalised);
      }
      anchor_links_.push_back({i, normalised});
    }
    for (const auto& [link, anchor] : anchor_links_) facts_[link].anchor_repeats = anchor_ids_.count(anchor) - 1;
    FindLinkRuns();
  }

  const PageFacts& page() const { return *page_; }
  // Backlinks are numbered 0, 1, 2... in page order; `index` below is such a number.
  const Link& link(size_t index) const { return links_[link_index_[index]]; }
  size_t link_index(size_t index) const { return link_index_[index]; }  // in the page's links
  Subject SubjectAt(size_t index) const { return {link(index), *page_, *this, index}; }
  size_t blocks() const { return blocks_; }
  // Every backlink of a block; only the last block is partly filled.
  LinkBits backlinks(size_t block) const {
    const size_t rest = backlink_count_ - block * kBlockLinks;
    return rest >= kBlockLinks ? ~LinkBits{0} : (LinkBits{1} << rest) - 1;
  }
  int relevance(size_t index) const { return facts_[index].relevance; }
  int anchor_repeats(size_t index) const { return facts_[index].anchor_repeats; }
  int run_length(size_t index) const { return facts_[index].run_length; }
  int run_domains(size_t index) const { return facts_[index].run_domains; }

  // Of `candidates` in `block`, the backlinks for which at least `at_least` other backlinks pass `test`: those
  // within `within` positions of it in the page's links, or, when `within` is nullopt, those to the same
  // registrable domain. The test runs once per backlink and page, when first asked, and every backlink's
  // answer is worked out then (cached in `slot`), so a block is answered by one mask.
  LinkBits WithNeighbours(size_t slot, const BlockTest& test, std::optional<int> within, int at_least, size_t block,
                          LinkBits candidates) const {
    NeighbourCache& cache = neighbour_caches_[slot];
    if (!cache.counted) CountAllNeighbours(cache, test, within, at_least);
    return candidates & cache.holds[block];
  }

  // Of `candidates` in `block`, those a named predicate or a field test holds for: rules share them, so each
  // runs at most once per link.
  template <typename BlockHolds>
  LinkBits NamedResult(size_t slot, const BlockHolds& test, size_t block, LinkBits candidates) const {
    NamedResults& results = named_results_[block * cached_predicates_ + slot];
    if (const LinkBits needed = candidates & ~results.evaluated; needed != 0) {
      results.holds |= test(*this, block, needed);
      results.evaluated |= needed;
    }
    return candidates & results.holds;
  }

  // A test of page fields alone, evaluated once per page (for the first link it is asked about).
  bool PageResult(size_t slot, const BlockTest& test, size_t block, LinkBits link) const {
    int8_t& result = page_results_[slot];
    if (result == kNotEvaluated) result = test(*this, block, link) != 0 ? 1 : 0;
    return result == 1;
  }

  // The number of the value of the text field in value slot `slot` at the link at `index` among the field's
  // distinct values on the page, in order of first appearance. Values repeat on a page far more often than
  // on consecutive links (hosts, anchors, snippets of a link list), and each distinct one is analysed once.
  // Tests ask for it once per link and test: the number is looked up inline, and found apart.
  int ValueId(size_t slot, TextGetter get, size_t index) const {
    const int id = value_ids_[slot * backlink_count_ + index];
    return id != kNotNumbered ? id : NumberValue(slot, get, index);
  }

  // Calls `visit(id, bit)` for each link of `candidates` in `block`, lowest first, with its ValueId.
  template <typename Visit>
  void ForEachValueId(size_t slot, TextGetter get, size_t block, LinkBits candidates, Visit visit) const {
    const int* const ids = value_ids_.data() + slot * backlink_count_;
    ForEachLink(block, candidates, [&](size_t index, LinkBits bit) {
      const int id = ids[index];
      visit(id != kNotNumbered ? id : NumberValue(slot, get, index), bit);
    });
  }

  // Of `candidates` in `block`, those whose value of the text field in value slot `slot` `holds` holds for,
  // normalised for list tests once per distinct value, however many lists test it. The slot's rows of
  // value numbers and list values are found once per block, not once per link.
  template <typename Holds>
  LinkBits ListValuesHolding(size_t slot, TextGetter get, const Holds& holds, size_t block, LinkBits candidates) const {
    const ListValue* const* values = list_value_of_.data() + slot * backlink_count_;
    LinkBits passing = 0;
    ForEachValueId(slot, get, block, candidates, [&](int id, LinkBits bit) {
      const ListValue* value = values[id];
      if (value == nullptr) value = &MakeListValue(slot, id);
      if (holds(*value)) passing |= bit;
    });
    return passing;
  }

  // Of `candidates` in `block`, those where pattern `pattern` of a text field's group (in group slot
  // `group_slot`) is found in the field's value (in value slot `slot`). A value is screened once per group
  // (RegexGroup::PossiblePatterns), and searched for a pattern it may hold only when a rule first asks about
  // that pattern for a link with that value: the answers other rules never need (most links reach few of
  // a field's tests) cost no search. A link's screened and found patterns are looked up once per group and
  // spread over the block's masks, two per pattern: the links yet to be searched for it, and those found to
  // hold it; the group's other tests of the link read a bit of a mask.
  LinkBits RegexFound(size_t group_slot, size_t slot, const RegexGroup& group, TextGetter get, int pattern,
                      size_t block, LinkBits candidates) const {
    ValuePatterns* const values = value_patterns_.data() + group_slot * backlink_count_;
    LinkBits* const masks = found_masks_.LookedUp(group_slot, block, candidates, [&](LinkBits needed, LinkBits* pattern_masks) {
      ForEachValueId(slot, get, block, needed, [&](int id, LinkBits bit) {
        ValuePatterns& patterns = values[id];
        if (patterns.found == kNotScreened) patterns = {group.PossiblePatterns(value_numbers_[slot].text(id)), kScreened};
        for (PatternMask rest = patterns.unsearched; rest != 0; rest &= rest - 1) {
          pattern_masks[2 * std::countr_zero(rest)] |= bit;
        }
        for (PatternMask rest = patterns.found & ~kScreened; rest != 0; rest &= rest - 1) {
          pattern_masks[2 * std::countr_zero(rest) + 1] |= bit;
        }
      });
    });
    LinkBits& unsearched = masks[2 * pattern];
    LinkBits& found = masks[2 * pattern + 1];
    if (const LinkBits searching = candidates & unsearched; searching != 0) {
      unsearched &= ~searching;
      const PatternMask this_pattern = PatternMask{1} << pattern;
      ForEachValueId(slot, get, block, searching, [&](int id, LinkBits bit) {
        ValuePatterns& patterns = values[id];
        if ((patterns.unsearched & this_pattern) != 0) {
          patterns.unsearched &= ~this_pattern;
          if (group.Found(value_numbers_[slot].text(id), static_cast<size_t>(pattern))) patterns.found |= this_pattern;
        }
        if ((patterns.found & this_pattern) != 0) found |= bit;
      });
    }
    return candidates & found;
  }

  // Of `candidates` in `block`, those whose value of the text field in value slot `slot` has a hit in list
  // `list` (below 64) of kind `kind` in `lists`, the field's index. As RegexFound does with patterns, a
  // link's hits in the index's lists are read once per block, for the first of them a rule tests, and
  // spread over the block's masks of the lists that rules test (list-hit group `hit_group`), so that the
  // other `in_list` tests of the field read a bit of a mask rather than each link's list value.
  LinkBits ListHitsHolding(size_t hit_group, size_t slot, TextGetter get, ListValue::ListKind kind,
                           const ListIndex& lists, size_t list, size_t block, LinkBits candidates) const {
    return list_hit_masks_.Holding(hit_group, block, candidates, list, [&](LinkBits needed, LinkBits* list_masks) {
      const size_t tested_lists = list_hit_masks_.AnswersOf(hit_group);
      const uint64_t tested = tested_lists == 64 ? ~uint64_t{0} : (uint64_t{1} << tested_lists) - 1;
      const ListValue* const* values = list_value_of_.data() + slot * backlink_count_;
      ForEachValueId(slot, get, block, needed, [&](int id, LinkBits bit) {
        const ListValue* value = values[id];
        if (value == nullptr) value = &MakeListValue(slot, id);
        for (uint64_t hits = value->FirstListHits(kind, lists) & tested; hits != 0; hits &= hits - 1) {
          list_masks[std::countr_zero(hits)] |= bit;
        }
      });
    });
  }

  // Facts of a backlink's anchor text, computed on first use (several predicates read them) once per distinct
  // anchor of the page, which Reset numbers for every backlink.
  int AnchorWordsAt(size_t index, int (*count)(const Link&)) const {
    AnchorFacts& facts = anchor_facts_[value_ids_[kAnchorValueSlot * backlink_count_ + index]];
    if (facts.words == kNotComputed) facts.words = count(link(index));
    return facts.words;
  }
  // The echo reads the target's host labels too (from its host and registrable domain, both numbered in
  // Reset): an anchor keeps the last target it was worked out for, as a repeated anchor mostly has one.
  // Working it out goes through the anchor's words, so it counts them as well.
  int AnchorTargetEchoAt(size_t index, AnchorWordsAndEcho (*compute)(const Link&)) const {
    AnchorFacts& facts = anchor_facts_[value_ids_[kAnchorValueSlot * backlink_count_ + index]];
    const int host = value_ids_[kHostValueSlot * backlink_count_ + index], domain = facts_[index].domain;
    if (facts.echo_host != host || facts.echo_domain != domain) {
      const AnchorWordsAndEcho computed = compute(link(index));
      facts.words = computed.words;
      facts.echo = computed.echo;
      facts.echo_host = host;
      facts.echo_domain = domain;
    }
    return facts.echo;
  }

  // Backlinks of the page to the same registrable domain as the one at `index`, itself included.
  int domain_links(size_t index) const { return domain_links_[facts_[index].domain]; }

 private:
  // TopicalRelevance::Of reads a link's anchor text, URL, snippet, host and registrable domain, nothing else
  // of it: links alike in all five (the same link repeated in a list, a menu) share one answer. A URL keeps
  // the answer of the last link to it, which a link alike in the other four reuses: the numbers are compared,
  // not hashed again.
  int SharedRelevance(const TopicalRelevance& relevance, size_t index, int domain) {
    const Link& backlink = link(index);
    const RelevanceKey key{Number(kAnchorValueSlot, index, backlink.anchor_text),
                           Number(kUrlValueSlot, index, backlink.url), Number(kSnippetValueSlot, index, backlink.snippet),
                           Number(kHostValueSlot, index, backlink.host), domain};
    if (static_cast<size_t>(key.url) == relevance_by_url_.size()) {
      relevance_by_url_.push_back({key, relevance.Of(backlink, static_cast<size_t>(key.host))});  // URL numbers come in order
    } else if (KnownRelevance& known = relevance_by_url_[key.url]; !(known.key == key)) {
      known = {key, relevance.Of(backlink, static_cast<size_t>(key.host))};
    }
    return relevance_by_url_[key.url].relevance;
  }

  [[gnu::noinline]] int NumberValue(size_t slot, TextGetter get, size_t index) const {
    return Number(slot, index, get(SubjectAt(index)));
  }

  // Numbers `value`, the field's in value slot `slot` at the link at `index`. Inlined where it is called
  // for several fields in turn, so that each has its own branches.
  [[gnu::always_inline]] int Number(size_t slot, size_t index, std::string_view value) const {
    TextIds& numbers = value_numbers_[slot];
    // Numbered from the first link a test asks about: fields no test asks about on the page cost nothing.
    if (!values_numbered_[slot]) {
      numbers.Reset((*page_value_slots_)[slot] ? 1 : backlink_count_);
      values_numbered_[slot] = true;
    }
    // A value equal to the last one numbered (consecutive links to one host, under one heading) is not hashed.
    LastValue& last = last_values_[slot];
    if (last.id == kNotNumbered || last.value != value) last = {value, numbers.Add(value)};
    return value_ids_[slot * backlink_count_ + index] = last.id;
  }

  // A run is a maximal sequence of consecutive backlinks, each after the first at most kRunGapChars of
  // text after the previous one; an internal link ends a run.
  void FindLinkRuns() {
    run_stamps_.assign(domain_links_.size(), 0);
    for (size_t begin = 0; begin < backlink_count_;) {
      size_t end = begin + 1;
      while (end < backlink_count_ && link_index_[end] == link_index_[end - 1] + 1 &&
             link(end).text_chars_before <= kRunGapChars) {
        ++end;
      }
      // A domain is new to the run unless its stamp is the run's.
      const size_t stamp = begin + 1;
      int distinct = 0;
      for (size_t i = begin; i < end; ++i) {
        size_t& seen = run_stamps_[facts_[i].domain];
        distinct += seen != stamp ? 1 : 0;
        seen = stamp;
      }
      for (size_t i = begin; i < end; ++i) {
        facts_[i].run_length = static_cast<int>(end - begin);
        facts_[i].run_domains = distinct;
      }
      begin = end;
    }
  }

  const PageFacts* page_ = nullptr;
  std::span<const Link> links_;
  std::vector<size_t> link_index_;  // per backlink: its index in links_ (rules are tried on backlinks only)
  size_t backlink_count_ = 0;
  size_t blocks_ = 0;  // of kBlockLinks backlinks, the last one partly filled
  struct LinkFacts {
    int relevance, anchor_repeats, run_length, run_domains;
    int domain;  // its registrable domain's value number, so counts per domain need no hashing
  };
  std::vector<LinkFacts> facts_;  // per backlink
  std::vector<int> domain_links_;  // per registrable domain value number: the backlinks to it
  std::vector<size_t> run_stamps_;  // FindLinkRuns' scratch: per domain, 1 + the first link of the last run it was in
  TextIds anchor_ids_;  // the backlinks' normalised text anchors, and the backlinks with each
  std::vector<std::pair<size_t, int>> anchor_links_;  // Reset's scratch: backlinks with a text anchor, and its id
  std::vector<int> normalised_anchor_of_;  // Reset's scratch: per anchor.text value number, its id in anchor_ids_
  // The value numbers of the texts relevance reads.
  struct RelevanceKey {
    int anchor, url, snippet, host, domain;
    bool operator==(const RelevanceKey&) const = default;
  };
  struct KnownRelevance {
    RelevanceKey key;
    int relevance;
  };
  std::vector<KnownRelevance> relevance_by_url_;  // Reset's scratch: per target.url value number
  struct NeighbourCache {
    bool counted = false;         // whether the page's answers are in, once first asked
    std::vector<LinkBits> holds;  // per block: the backlinks with enough others passing in their window or domain
  };
  mutable std::vector<NeighbourCache> neighbour_caches_;  // per slot
  // CountAllNeighbours' scratch: per backlink, whether it passes (0 or 1), and per domain, those that pass.
  mutable std::vector<int> passes_, passing_by_domain_;

  void CountAllNeighbours(NeighbourCache& cache, const BlockTest& test, std::optional<int> within, int at_least) const {
    cache.counted = true;
    passes_.resize(backlink_count_);  // every entry is written below
    for (size_t block = 0; block < blocks_; ++block) {
      const LinkBits passing = test(*this, block, backlinks(block));
      const size_t end = std::min(backlink_count_, (block + 1) * kBlockLinks);
      for (size_t i = block * kBlockLinks; i < end; ++i) passes_[i] = static_cast<int>(passing >> (i % kBlockLinks) & 1);
    }
    cache.holds.assign(blocks_, 0);
    const auto answer = [&](size_t i, int others) {
      cache.holds[i / kBlockLinks] |= LinkBits{others >= at_least} << (i % kBlockLinks);
    };
    if (!within) {
      passing_by_domain_.assign(domain_links_.size(), 0);
      for (size_t i = 0; i < backlink_count_; ++i) passing_by_domain_[facts_[i].domain] += passes_[i];
      for (size_t i = 0; i < backlink_count_; ++i) {
        answer(i, passing_by_domain_[facts_[i].domain] - passes_[i]);
      }
      return;
    }
    // The window of backlink i is [low, high): those at most `within` positions from it among the page's links,
    // which move forward with i. `inside` counts those of the window that pass.
    const size_t distance = static_cast<size_t>(*within);
    size_t low = 0, high = 0;
    int inside = 0;
    for (size_t i = 0; i < backlink_count_; ++i) {
      for (; high < backlink_count_ && link_index_[high] <= link_index_[i] + distance; ++high) inside += passes_[high];
      for (; link_index_[low] + distance < link_index_[i]; ++low) inside -= passes_[low];
      answer(i, inside - passes_[i]);
    }
  }
  static constexpr int8_t kNotEvaluated = -1;
  struct NamedResults {
    LinkBits evaluated = 0, holds = 0;
  };
  // Per block, then per cached predicate: a block's rules read its answers together.
  mutable std::vector<NamedResults> named_results_;
  size_t cached_predicates_ = 0;
  mutable std::vector<int8_t> page_results_;                // per page predicate: 1, 0 or kNotEvaluated
  static constexpr int kNotNumbered = -1;
  mutable std::vector<int> value_ids_;  // per value slot, then per backlink: ValueId, or kNotNumbered
  mutable std::vector<TextIds> value_numbers_;  // per value slot: the field's distinct values on the page
  mutable std::vector<bool> values_numbered_;   // per value slot: whether value_numbers_ holds this page's
  const std::vector<bool>* page_value_slots_ = nullptr;  // the rule set's Compiled::page_value_slots
  struct LastValue {
    std::string_view value;
    int id = kNotNumbered;
  };
  mutable std::vector<LastValue> last_values_;  // per value slot: the value last numbered
  // The list value of value `id` of the field in value slot `slot`, made on first use.
  const ListValue& ListValueOf(size_t slot, int id) const {
    const ListValue* value = list_value_of_[slot * backlink_count_ + id];
    return value != nullptr ? *value : MakeListValue(slot, id);
  }
  // Apart from the lookup above, which in_list tests inline.
  [[gnu::noinline]] const ListValue& MakeListValue(size_t slot, int id) const {
    const ListValue& value = NextListValue(value_numbers_[slot].text(id));
    list_value_of_[slot * backlink_count_ + id] = &value;
    return value;
  }
  // The values asked for, which do not move: a pool whose first list_values_used_ entries are this page's.
  // Reused from page to page, so normalising and splitting values allocates only when a page has more, or
  // longer, values than any before it.
  const ListValue& NextListValue(std::string_view text) const {
    if (list_values_used_ == list_value_pool_.size()) list_value_pool_.emplace_back();
    ListValue& value = list_value_pool_[list_values_used_++];
    value.Reset(text);
    return value;
  }
  mutable std::deque<ListValue> list_value_pool_;
  mutable size_t list_values_used_ = 0;
  mutable std::vector<const ListValue*> list_value_of_;  // per value slot, then per value number: in the pool, or null
  // A group's patterns for one value, bit i for pattern i: those it may hold and has not been searched for
  // yet, and those found in it. A group holds at most kMaxGroupPatterns, so that the top bit of `found` is
  // free to tell a value screened.
  using PatternMask = RegexGroup::PatternMask;
  struct ValuePatterns {
    PatternMask unsearched = 0, found = 0;
  };
  static constexpr PatternMask kNotScreened = 0, kScreened = PatternMask{1} << kMaxGroupPatterns;
  mutable std::vector<ValuePatterns> value_patterns_;  // per group slot, then per value number of its field
  mutable BlockAnswerMasks found_masks_;     // per regex group: the links whose value holds each pattern
  mutable BlockAnswerMasks list_hit_masks_;  // per list-hit group: the links whose value has a hit in each list

  static constexpr int kNotComputed = -1;  // the facts are never negative
  struct AnchorFacts {
    int words = kNotComputed;
    int echo_host = kNotNumbered, echo_domain = kNotNumbered;  // the target `echo` is for, once computed
    int echo = 0;
  };
  mutable std::vector<AnchorFacts> anchor_facts_;  // per anchor.text value number
};

int AnchorRepeats(const Subject& subject) { return subject.evaluation.anchor_repeats(subject.index); }
int LinkRunLength(const Subject& subject) { return subject.evaluation.run_length(subject.index); }
int LinkRunDomains(const Subject& subject) { return subject.evaluation.run_domains(subject.index); }
int RelevanceOf(const Subject& subject) { return subject.evaluation.relevance(subject.index); }
int TargetPageLinks(const Subject& subject) { return subject.evaluation.domain_links(subject.index); }

// Bytes read past the end of the text ContainsLowerCased searches (its 16-byte loads start at most 2 bytes
// before the text's last byte) and of the text ForEachPaddedWord (text_bytes.h) scans.
constexpr size_t kSearchPadding = 16;

// `link`'s anchor text, copied where it is readable for kSearchPadding bytes past its end.
std::string_view PaddedAnchor(const Link& link) {
  thread_local std::string padded;  // reused: it runs for most backlinks
  const std::string_view anchor = link.anchor_text;
  if (padded.size() < anchor.size() + kSearchPadding) padded.resize(anchor.size() + kSearchPadding);
  CopyBytes(anchor.data(), anchor.size(), padded.data());
  return std::string_view(padded).substr(0, anchor.size());
}

int CountAnchorWords(const Link& link) {
  int words = 0;
  ForEachPaddedWord(PaddedAnchor(link), [&](std::string_view) { ++words; });
  return words;
}

// Whether `word` (three bytes or more), lower-cased (ASCII), occurs in `text`, which is readable for
// kSearchPadding bytes past its end. 16 starts at a time are narrowed to those where the word's first three
// bytes are, with no branch per byte (a byte loop mispredicts at every letter the word starts with); the
// rest of the word is compared at those few.
bool ContainsLowerCased(std::string_view text, std::string_view word) {
  const __m128i first = _mm_set1_epi8(Lower(word[0])), second = _mm_set1_epi8(Lower(word[1])),
                third = _mm_set1_epi8(Lower(word[2]));
  const auto bytes_at = [&](size_t at) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at)); };
  for (size_t start = 0; start + word.size() <= text.size(); start += 16) {
    uint32_t candidates = _mm_movemask_epi8(_mm_cmpeq_epi8(bytes_at(start), first)) &
                          _mm_movemask_epi8(_mm_cmpeq_epi8(bytes_at(start + 1), second)) &
                          _mm_movemask_epi8(_mm_cmpeq_epi8(bytes_at(start + 2), third));
    if (const size_t last = text.size() - word.size() - start; last < 15) candidates &= (2u << last) - 1;
    for (; candidates != 0; candidates &= candidates - 1) {
      const size_t at = start + std::countr_zero(candidates);
      size_t matched = 3;
      while (matched < word.size() && text[at + matched] == Lower(word[matched])) ++matched;
      if (matched == word.size()) return true;
    }
  }
  return false;
}

// The share of the anchor's words of three or more letters that are spelled inside the target's host
// labels ("cheap flights" -> cheapflights.example: 100), and the anchor's words (as CountAnchorWords).
AnchorWordsAndEcho ComputeAnchorTargetEcho(const Link& link) {
  thread_local std::string joined_labels;  // reused: it runs for most backlinks
  // The labels' words joined without separators are the labels' word bytes in order.
  const std::string_view labels = HostLabels(link);
  joined_labels.resize(labels.size() + kSearchPadding);
  size_t joined = 0;
  for (char c : labels) {
    joined_labels[joined] = Lower(c);
    joined += IsWordByte(c) ? 1 : 0;
  }
  int words = 0, long_words = 0, echoed = 0;
  ForEachPaddedWord(PaddedAnchor(link), [&](std::string_view word) {
    ++words;
    if (word.size() < 3) return;
    ++long_words;
    if (ContainsLowerCased(std::string_view(joined_labels).substr(0, joined), word)) ++echoed;
  });
  return {words, long_words == 0 ? 0 : echoed * 100 / long_words};
}

int AnchorWords(const Subject& subject) {
  return subject.evaluation.AnchorWordsAt(subject.index, &CountAnchorWords);
}
int AnchorTargetEcho(const Subject& subject) {
  return subject.evaluation.AnchorTargetEchoAt(subject.index, &ComputeAnchorTargetEcho);
}

}  // namespace

namespace {

// ---------------------------------------------------------------------------------------------------------
// Loading. Errors are thrown as LoadError inside this file only; Parse turns them into a Failure.

struct LoadError {
  YAML::Mark mark;
  std::string message;
};

[[noreturn]] void Fail(const YAML::Node& node, std::string message) {
  throw LoadError{node.Mark(), std::move(message)};
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return Cat("'", node.Scalar(), "'");
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "nothing";
}

// A key and its value in a map; errors about the value point at the key when the value is empty, since
// yaml-cpp marks an empty value at the start of the next line.
struct Entry {
  YAML::Node key;
  YAML::Node value;

  std::string_view name() const { return key.Scalar(); }
  [[noreturn]] void Fail(std::string message) const {
    ::backlint::Fail(value.IsNull() ? key : value, std::move(message));
  }
};

void ExpectMap(const YAML::Node& node, std::string_view what, std::string_view example) {
  if (!node.IsMap()) Fail(node, Cat(what, " must be a map like ", example, ", got ", Describe(node)));
}

// Visits each entry of `map`, rejecting non-string and repeated keys (yaml-cpp accepts both silently).
template <typename Visit>
void ForEachEntry(const YAML::Node& map, std::string_view context, Visit visit) {
  std::unordered_set<std::string> seen;
  for (const auto& item : map) {
    const Entry entry{item.first, item.second};
    if (!entry.key.IsScalar()) Fail(entry.key, Cat("keys in ", context, " must be plain strings"));
    if (!seen.insert(entry.key.Scalar()).second) {
      Fail(entry.key, Cat("duplicate key '", entry.name(), "' in ", context));
    }
    visit(entry);
  }
}

void CheckKeys(const YAML::Node& map, std::string_view context, std::span<const std::string_view> allowed) {
  ForEachEntry(map, context, [&](const Entry& entry) {
    if (std::find(allowed.begin(), allowed.end(), entry.name()) == allowed.end()) {
      Fail(entry.key,
           Cat("unknown key '", entry.name(), "' in ", context, "; allowed keys: ", Join(allowed)));
    }
  });
}

std::optional<Entry> Find(const YAML::Node& map, std::string_view key) {
  for (const auto& item : map) {
    if (item.first.IsScalar() && item.first.Scalar() == key) return Entry{item.first, item.second};
  }
  return std::nullopt;
}

Entry Require(const YAML::Node& map, std::string_view key, std::string_view context) {
  std::optional<Entry> entry = Find(map, key);
  if (!entry) Fail(map, Cat(context, " is missing required key '", key, "'"));
  return *entry;
}

std::string ReadString(const Entry& entry) {
  if (!entry.value.IsScalar()) {
    entry.Fail(Cat("'", entry.name(), "' must be a string, got ", Describe(entry.value)));
  }
  return entry.value.Scalar();
}

std::string ReadNonEmptyString(const Entry& entry) {
  std::string text = ReadString(entry);
  if (NormaliseText(text).empty()) entry.Fail(Cat("'", entry.name(), "' must not be empty"));
  return text;
}

double ReadNumber(const Entry& entry) {
  double number = 0;
  if (!YAML::convert<double>::decode(entry.value, number) || !std::isfinite(number)) {
    entry.Fail(Cat("'", entry.name(), "' must be a number, got ", Describe(entry.value)));
  }
  return number;
}

int ReadInt(const Entry& entry) {
  int number = 0;
  if (!YAML::convert<int>::decode(entry.value, number)) {
    entry.Fail(Cat("'", entry.name(), "' must be an integer, got ", Describe(entry.value)));
  }
  return number;
}

bool ReadBool(const Entry& entry) {
  bool flag = false;
  if (!YAML::convert<bool>::decode(entry.value, flag)) {
    entry.Fail(Cat("'", entry.name(), "' must be true or false, got ", Describe(entry.value)));
  }
  return flag;
}

double ReadPercentage(const Entry& entry) {
  const double number = ReadNumber(entry);
  if (number < 0 || number > 100) {
    entry.Fail(Cat("'", entry.name(), "' must be between 0 and 100, got ", FormatNumber(number)));
  }
  return number;
}

// A field of the page rather than of the link: one value per page.
bool IsPageField(const FieldSpec& field) { return field.name.starts_with("page."); }

const FieldSpec* FindField(std::string_view name) {
  const auto* field = std::find_if(std::begin(kFields), std::end(kFields),
                                   [&](const FieldSpec& spec) { return spec.name == name; });
  return field == std::end(kFields) ? nullptr : field;
}

constexpr std::string_view kTopLevelKeys[] = {"name", "scoring", "lists", "predicates", "trust", "rules"};
constexpr std::string_view kTrustKeys[] = {"allow", "block"};
constexpr std::string_view kTrustEntryKeys[] = {"list", "reason"};
constexpr std::string_view kScoringKeys[] = {"start", "suspicious_below", "toxic_below"};
constexpr std::string_view kRuleKeys[] = {"id",          "category", "weight",   "enabled",
                                          "description", "when",     "evidence", "severity"};
constexpr std::string_view kCategories[] = {"paid", "forced_keyword", "spammy"};
constexpr std::string_view kSeverities[] = {"low", "medium", "high"};
constexpr std::string_view kCombinators[] = {"all", "any", "not"};
constexpr std::string_view kOperators[] = {"equals", "contains", "in_list", "greater_than", "less_than", "matches"};
constexpr std::string_view kPredicateKeys[] = {"field",     "equals",     "contains", "in_list", "match",
                                               "matches",   "greater_than", "less_than", "all",    "any",
                                               "not",       "neighbours", "within",   "at_least", "same_target",
                                               "predicate"};
constexpr std::string_view kNeighboursKeys[] = {"neighbours", "within", "same_target", "at_least"};
constexpr std::string_view kMatchModes[] = {"exact", "word", "prefix", "suffix"};
constexpr std::string_view kPredicateExample = "{field: rel, contains: sponsored} or {all: [...]}";

struct LoadedFile {
  std::string name;
  RuleSet::Compiled compiled;
};

// The links of `candidates` in `block` that `holds` holds for.
template <typename Holds>
LinkBits HoldsFor(const Holds& holds, const PageEvaluation& evaluation, size_t block, LinkBits candidates) {
  LinkBits passing = 0;
  ForEachLink(block, candidates, [&](size_t index, LinkBits bit) {
    if (holds(evaluation.SubjectAt(index))) passing |= bit;
  });
  return passing;
}

// A field test of a block's candidate links at once (a function of evaluation, block and candidates), for the
// tests that read per-page tables their loop finds once per block.
template <typename BlockHolds>
struct OfBlock {
  BlockHolds holds;
};

// A field test, written as a test of one link: it runs on a block's candidates in one loop, with the
// per-link test inlined into it, and so does its cached form, with no call between the cache and the loop.
struct Test {
  template <typename Holds>
    requires std::is_invocable_r_v<bool, const Holds&, const Subject&>
  Test(Holds holds)  // implicit, so that a per-link lambda is a Test
      : Test(OfBlock{[holds = std::move(holds)](const PageEvaluation& evaluation, size_t block, LinkBits candidates) {
          return HoldsFor(holds, evaluation, block, candidates);
        }}) {}
  template <typename BlockHolds>
  Test(OfBlock<BlockHolds> test)  // implicit, as above
      : plain([holds = test.holds](PredicateStates& states) { return states.Add(holds); }),
        cached([holds = std::move(test.holds)](PredicateStates& states, size_t slot) {
          return states.Add([slot, holds](const PageEvaluation& evaluation, size_t block, LinkBits candidates) {
            return evaluation.NamedResult(slot, holds, block, candidates);
          });
        }) {}
  // The test, its state added to `states`.
  std::function<BlockTest(PredicateStates& states)> plain;
  // The same with its answers cached in per-link cache slot `slot`.
  std::function<BlockTest(PredicateStates& states, size_t slot)> cached;
};

class Compiler {
 public:
  LoadedFile Compile(const YAML::Node& root) {
    if (root.IsNull()) {
      Fail(root, Cat("the rule file is empty; expected a map with keys ", Join(kTopLevelKeys)));
    }
    ExpectMap(root, "the rule file", "{name: ..., rules: [...]}");
    CheckKeys(root, "the rule file", kTopLevelKeys);
    LoadedFile file;
    states_ = &file.compiled.predicate_states;
    file.name = ReadNonEmptyString(Require(root, "name", "the rule file"));
    if (auto scoring = Find(root, "scoring")) ReadScoring(scoring->value, file.compiled);
    if (auto lists = Find(root, "lists")) ReadLists(lists->value);
    if (auto trust = Find(root, "trust")) ReadTrust(trust->value, file.compiled);
    if (auto predicates = Find(root, "predicates")) ReadPredicates(predicates->value);
    const Entry rules = Require(root, "rules", "the rule file");
    if (!rules.value.IsSequence()) {
      rules.Fail(Cat("'rules' must be a list of rules, got ", Describe(rules.value)));
    }
    std::vector<BlockTest> rule_tests;
    for (const YAML::Node& rule : rules.value) ReadRule(rule, file.compiled.rules, rule_tests);
    file.compiled.rule_tests = states_->Add(rule_tests);
    file.compiled.neighbour_predicates = neighbour_predicates_;
    file.compiled.cached_predicates = cached_predicates_;
    file.compiled.page_predicates = page_predicates_;
    file.compiled.value_fields = value_slots_.size();
    file.compiled.page_value_slots.resize(value_slots_.size());
    for (const auto& [field, slot] : value_slots_) file.compiled.page_value_slots[slot] = IsPageField(*field);
    file.compiled.regex_groups = regex_groups_.size();
    file.compiled.found_mask_offsets = BlockAnswerMasks::OffsetsFor(regex_group_patterns_, 2);
    file.compiled.list_hit_mask_offsets = BlockAnswerMasks::OffsetsFor(list_hit_group_lists_);
    for (const std::shared_ptr<RegexGroup>& group : regex_groups_) group->Compile();
    return file;
  }

 private:
  static void ReadScoring(const YAML::Node& scoring, RuleSet::Compiled& compiled) {
    ExpectMap(scoring, "'scoring'", "{start: 100, suspicious_below: 80, toxic_below: 40}");
    CheckKeys(scoring, "'scoring'", kScoringKeys);
    if (auto start = Find(scoring, "start")) compiled.start = ReadPercentage(*start);
    if (auto suspicious = Find(scoring, "suspicious_below")) {
      compiled.suspicious_below = ReadPercentage(*suspicious);
    }
    std::optional<Entry> toxic = Find(scoring, "toxic_below");
    if (toxic) compiled.toxic_below = ReadPercentage(*toxic);
    if (compiled.toxic_below > compiled.suspicious_below) {
      const YAML::Node& where = toxic ? toxic->value : scoring;
      Fail(where,
           Cat("'toxic_below' (", FormatNumber(compiled.toxic_below),
               ") must not exceed 'suspicious_below' (", FormatNumber(compiled.suspicious_below), ")"));
    }
  }

  void ReadLists(const YAML::Node& lists) {
    ExpectMap(lists, "'lists'", "{money_keywords: [cheap payday loans, ...]}");
    ForEachEntry(lists, "'lists'", [&](const Entry& list) {
      if (!list.value.IsSequence()) {
        list.Fail(Cat("list '", list.name(), "' must be a list of strings, got ", Describe(list.value)));
      }
      std::vector<std::string>& entries = lists_[list.key.Scalar()];
      for (const YAML::Node& item : list.value) {
        if (!item.IsScalar()) {
          Fail(item, Cat("entries of list '", list.name(), "' must be strings, got ", Describe(item)));
        }
        std::string entry = NormaliseText(item.Scalar());
        if (entry.empty()) Fail(item, Cat("list '", list.name(), "' has an empty entry"));
        entries.push_back(std::move(entry));
      }
    });
  }

  void ReadRule(const YAML::Node& rule, std::vector<CompiledRule>& rules, std::vector<BlockTest>& rule_tests) {
    ExpectMap(rule, "a rule", "{id: ..., category: ..., weight: ..., when: ..., evidence: ...}");
    CheckKeys(rule, "a rule", kRuleKeys);
    const Entry id = Require(rule, "id", "a rule");
    CompiledRule compiled;
    compiled.id = ReadNonEmptyString(id);
    const std::string context = Cat("rule '", compiled.id, "'");
    if (auto [first, inserted] = rule_lines_.emplace(compiled.id, id.value.Mark().line + 1); !inserted) {
      id.Fail(Cat("duplicate rule id '", compiled.id, "' (first defined on line ",
                  std::to_string(first->second), ")"));
    }
    compiled.category = ReadCategory(Require(rule, "category", context));
    if (auto severity = Find(rule, "severity")) compiled.severity = ReadSeverity(*severity);
    const Entry weight = Require(rule, "weight", context);
    compiled.weight = ReadNumber(weight);
    if (compiled.weight < 0) weight.Fail(Cat("'weight' must be >= 0, got ", FormatNumber(compiled.weight)));
    const std::optional<Entry> enabled = Find(rule, "enabled");
    if (auto description = Find(rule, "description")) ReadString(*description);
    const BlockTest when = CompilePredicate(Require(rule, "when", context).value);
    compiled.evidence = CompileEvidence(Require(rule, "evidence", context));
    // Disabled rules are still validated, so switching one on later cannot break the file.
    if (!enabled || ReadBool(*enabled)) {
      rules.push_back(std::move(compiled));
      rule_tests.push_back(when);
    }
  }

  static Category ReadCategory(const Entry& entry) {
    const std::string name = ReadString(entry);
    if (name == "paid") return Category::kPaid;
    if (name == "forced_keyword") return Category::kForcedKeyword;
    if (name == "spammy") return Category::kSpammy;
    entry.Fail(Cat("unknown category '", name, "'; allowed: ", Join(kCategories)));
  }

  static Severity ReadSeverity(const Entry& entry) {
    const std::string name = ReadString(entry);
    const auto* found = std::find(std::begin(kSeverities), std::end(kSeverities), name);
    if (found == std::end(kSeverities)) {
      entry.Fail(Cat("unknown severity '", name, "'; allowed: ", Join(kSeverities)));
    }
    return static_cast<Severity>(found - std::begin(kSeverities));
  }

  // trust: {allow: [{list: L, reason: R}, ...], block: [...]}; each list names registrable domains.
  void ReadTrust(const YAML::Node& trust, RuleSet::Compiled& compiled) const {
    ExpectMap(trust, "'trust'", "{allow: [{list: partners, reason: ...}], block: [...]}");
    CheckKeys(trust, "'trust'", kTrustKeys);
    for (std::string_view action : kTrustKeys) {
      const std::optional<Entry> entries = Find(trust, action);
      if (!entries) continue;
      if (!entries->value.IsSequence()) {
        entries->Fail(Cat("'", action, "' must be a list of {list: ..., reason: ...}, got ",
                          Describe(entries->value)));
      }
      for (const YAML::Node& entry : entries->value) {
        ExpectMap(entry, Cat("an entry of '", action, "'"), "{list: partners, reason: contracted partner}");
        CheckKeys(entry, Cat("an entry of '", action, "'"), kTrustEntryKeys);
        const Entry list = Require(entry, "list", Cat("an entry of '", action, "'"));
        const std::vector<std::string>& domains = FindList(list);
        TrustList compiled_list{std::make_shared<const StringSet>(domains.begin(), domains.end()),
                                ReadNonEmptyString(Require(entry, "reason", Cat("an entry of '", action, "'")))};
        // An empty list (the default file's) lists nothing: kept out, it costs no lookups per link.
        if (domains.empty()) continue;
        (action == "allow" ? compiled.allow : compiled.block).push_back(std::move(compiled_list));
      }
    }
  }

  const std::vector<std::string>& FindList(const Entry& entry) const {
    const std::string list_name = ReadString(entry);
    const auto list = lists_.find(list_name);
    if (list == lists_.end()) {
      std::vector<std::string_view> names;
      for (const auto& [name, entries] : lists_) names.push_back(name);
      entry.Fail(
          Cat("unknown list '", list_name, "'; ",
              names.empty() ? "no lists are defined under 'lists'" : Cat("defined lists: ", Join(names))));
    }
    return list->second;
  }

  // predicates: {name: P, ...}: named predicates that rules use as {predicate: name}. Each is compiled
  // once, even if no rule uses it (so a mistake in one is reported), and its result is cached per link.
  void ReadPredicates(const YAML::Node& predicates) {
    ExpectMap(predicates, "'predicates'", "{keyword_anchor: {field: anchor.text, in_list: money_keywords}}");
    ForEachEntry(predicates, "'predicates'", [&](const Entry& entry) {
      predicates_.emplace(entry.key.Scalar(), entry.value);
    });
    for (const auto& [name, predicate] : predicates_) CompileNamed(name, predicate);
  }

  // The cached test of a named predicate, compiling it on first use.
  BlockTest CompileNamed(const std::string& name, const YAML::Node& predicate) {
    auto compiled = named_.find(name);
    if (compiled == named_.end()) {
      if (!expanding_.insert(name).second) Fail(predicate, Cat("predicate '", name, "' uses itself"));
      BlockTest test = CompilePredicate(predicate);
      expanding_.erase(name);
      // A field test, or a reference to another named predicate, has its answers cached already.
      if (!Find(predicate, "field") && !Find(predicate, "predicate")) {
        test = states_->Add([slot = cached_predicates_++, test](const PageEvaluation& evaluation, size_t block,
                                                                 LinkBits candidates) {
          return evaluation.NamedResult(slot, test, block, candidates);
        });
      }
      compiled = named_.emplace(name, std::move(test)).first;
    }
    return compiled->second;
  }

  BlockTest CompileReference(const YAML::Node& predicate, const Entry& reference) {
    if (predicate.size() != 1) Fail(reference.key, "'predicate' must be the only key of its predicate");
    const std::string name = ReadString(reference);
    const auto found = predicates_.find(name);
    if (found == predicates_.end()) {
      std::vector<std::string_view> names;
      for (const auto& [defined, node] : predicates_) names.push_back(defined);
      reference.Fail(Cat("unknown predicate '", name, "'; ",
                         names.empty() ? "no predicates are defined under 'predicates'"
                                       : Cat("defined predicates: ", Join(names))));
    }
    return CompileNamed(name, found->second);
  }

  BlockTest CompilePredicate(const YAML::Node& predicate) {
    ExpectMap(predicate, "a predicate", kPredicateExample);
    CheckKeys(predicate, "a predicate", kPredicateKeys);
    if (auto reference = Find(predicate, "predicate")) return CompileReference(predicate, *reference);
    if (auto neighbours = Find(predicate, "neighbours")) return CompileNeighbours(predicate, *neighbours);
    for (std::string_view combinator : kCombinators) {
      if (auto entry = Find(predicate, combinator)) {
        if (predicate.size() != 1) {
          Fail(entry->key, Cat("'", combinator, "' must be the only key of its predicate; put the other ",
                               "conditions inside it"));
        }
        return CompileCombinator(*entry);
      }
    }
    std::optional<Entry> field_entry = Find(predicate, "field");
    if (!field_entry) {
      Fail(predicate, Cat("a predicate needs 'field' and one operator (", Join(kOperators), "), or one of ",
                          Join(kCombinators)));
    }
    const std::string field_name = ReadString(*field_entry);
    const FieldSpec* field = FindField(field_name);
    if (field == nullptr) {
      field_entry->Fail(Cat("unknown field '", field_name, "'; allowed fields: ", FieldNames()));
    }

    std::optional<Entry> operation;
    for (std::string_view name : kOperators) {
      std::optional<Entry> candidate = Find(predicate, name);
      if (!candidate) continue;
      if (operation) {
        Fail(candidate->key, Cat("a predicate takes one operator, found '", operation->name(), "' and '",
                                 name, "'; combine conditions with all or any"));
      }
      operation = candidate;
    }
    if (!operation) {
      Fail(predicate, Cat("predicate on '", field_name, "' needs one operator: ", Join(kOperators)));
    }
    std::optional<Entry> match = Find(predicate, "match");
    if (match && operation->name() != "in_list") Fail(match->key, "'match' only applies to in_list");
    // A field test written more than once (the default file repeats its `rel` and list tests in many rules)
    // is compiled once, and its answers are shared like a named predicate's. Written the same way, it means
    // the same; a value that is not a string fails to compile below, so it is never shared.
    const bool shareable = operation->value.IsScalar() && (!match || match->value.IsScalar());
    const std::string key = shareable ? Cat(field->name, "\n", operation->name(), "\n", operation->value.Scalar(), "\n",
                                            match ? match->value.Scalar() : "")
                                      : "";
    if (const auto known = field_tests_.find(key); shareable && known != field_tests_.end()) return known->second;

    Test test = operation->name() == "equals"     ? CompileEquals(*field, *operation)
                : operation->name() == "contains"   ? CompileContains(*field, *operation)
                : operation->name() == "in_list"    ? CompileInList(*field, *operation, match)
                : operation->name() == "matches"    ? CompileMatches(*field, *operation)
                                                    : CompileBound(*field, *operation);
    BlockTest shared;
    if (!IsPageField(*field)) {
      shared = test.cached(*states_, cached_predicates_++);
    } else {
      // A test of the page alone has one answer per page: computed for its first backlink, then reused.
      shared = states_->Add([slot = page_predicates_++, test = test.plain(*states_)](
                                const PageEvaluation& evaluation, size_t block, LinkBits candidates) -> LinkBits {
        if (candidates == 0) return 0;
        return evaluation.PageResult(slot, test, block, candidates & -candidates) ? candidates : 0;
      });
    }
    if (shareable) field_tests_.emplace(key, shared);
    return shared;
  }

  // {neighbours: P, within: N, at_least: K}: P holds for at least K other backlinks within N positions;
  // {neighbours: P, same_target: true, at_least: K}: ... of the backlinks to the same registrable domain.
  BlockTest CompileNeighbours(const YAML::Node& predicate, const Entry& neighbours) {
    CheckKeys(predicate, "a neighbours predicate", kNeighboursKeys);
    const std::optional<Entry> within = Find(predicate, "within");
    const std::optional<Entry> same_target = Find(predicate, "same_target");
    if (within.has_value() == same_target.has_value()) {
      Fail(predicate, "a neighbours predicate needs exactly one of 'within: N' (positions) and 'same_target: true'");
    }
    std::optional<int> distance;
    if (within) {
      distance = ReadInt(*within);
      if (*distance < 1) within->Fail(Cat("'within' must be at least 1, got ", std::to_string(*distance)));
    } else if (!ReadBool(*same_target)) {
      same_target->Fail("'same_target' must be true; use 'within: N' to count by position");
    }
    const Entry at_least = Require(predicate, "at_least", "a neighbours predicate");
    const int count = ReadInt(at_least);
    if (count < 1) at_least.Fail(Cat("'at_least' must be at least 1, got ", std::to_string(count)));
    // Written the same way, a neighbours predicate means the same (the default file repeats several): it is
    // compiled once, and its answers worked out once per page.
    const std::string key = Cat(YAML::Dump(neighbours.value), "\n", distance ? std::to_string(*distance) : "same target",
                                "\n", std::to_string(count));
    if (const auto known = neighbour_tests_.find(key); known != neighbour_tests_.end()) return known->second;
    const size_t slot = neighbour_predicates_++;
    const BlockTest operand = CompilePredicate(neighbours.value);
    const BlockTest test = states_->Add([slot, distance, count, operand](const PageEvaluation& evaluation, size_t block,
                                                                         LinkBits candidates) {
      return evaluation.WithNeighbours(slot, operand, distance, count, block, candidates);
    });
    neighbour_tests_.emplace(key, test);
    return test;
  }

  BlockTest CompileCombinator(const Entry& entry) {
    if (entry.name() == "not") {
      const BlockTest operand = CompilePredicate(entry.value);
      return states_->Add([operand](const PageEvaluation& evaluation, size_t block, LinkBits candidates) {
        return candidates & ~operand(evaluation, block, candidates);
      });
    }
    if (!entry.value.IsSequence() || entry.value.size() == 0) {
      entry.Fail(
          Cat("'", entry.name(), "' must be a non-empty list of predicates, got ", Describe(entry.value)));
    }
    std::vector<BlockTest> compiled;
    for (const YAML::Node& operand : entry.value) compiled.push_back(CompilePredicate(operand));
    const std::span<const BlockTest> operands = states_->Add(compiled);
    if (entry.name() == "all") {
      return states_->Add([operands](const PageEvaluation& evaluation, size_t block, LinkBits candidates) {
        for (const BlockTest& operand : operands) {
          if (candidates == 0) break;
          candidates = operand(evaluation, block, candidates);
        }
        return candidates;
      });
    }
    return states_->Add([operands](const PageEvaluation& evaluation, size_t block, LinkBits candidates) {
      LinkBits passing = 0;
      for (const BlockTest& operand : operands) {
        if (candidates == 0) break;
        const LinkBits holds = operand(evaluation, block, candidates);
        passing |= holds;
        candidates &= ~holds;
      }
      return passing;
    });
  }

  [[noreturn]] static void FailOperator(const FieldSpec& field, const Entry& operation) {
    const FieldType& type = kFieldTypes[field.get.index()];
    Fail(operation.key, Cat("operator '", operation.name(), "' does not apply to ", type.name, " field '",
                            field.name, "'; use one of: ", type.operators));
  }

  static Test CompileEquals(const FieldSpec& field, const Entry& operation) {
    return std::visit(
        Overloaded{
            [&](TextGetter get) -> Test {
              std::string expected = ToLower(ReadString(operation));
              const auto known = std::find(field.vocabulary.begin(), field.vocabulary.end(), expected);
              if (!field.vocabulary.empty() && known == field.vocabulary.end()) {
                operation.Fail(Cat("'", field.name, "' is never '", expected,
                                   "'; its values are: ", Join(field.vocabulary)));
              }
              if (field.ordinal != nullptr) {
                return Inlining<kOrdinals>(field.ordinal, [&](auto ordinal) -> Test {
                  return [ordinal, expected_index = static_cast<int>(known - field.vocabulary.begin())](
                             const Subject& subject) { return ordinal(subject) == expected_index; };
                });
              }
              return [get, expected](const Subject& subject) {
                return EqualsIgnoreCase(get(subject), expected);
              };
            },
            [&](BoolGetter get) -> Test {
              return [get, expected = ReadBool(operation)](const Subject& subject) {
                return get(subject) == expected;
              };
            },
            [&](IntGetter get) -> Test {
              return [get, expected = ReadInt(operation)](const Subject& subject) {
                return get(subject) == expected;
              };
            },
            [&](TokensGetter) -> Test { FailOperator(field, operation); },
        },
        field.get);
  }

  static Test CompileContains(const FieldSpec& field, const Entry& operation) {
    return std::visit(Overloaded{
                          [&](TextGetter get) -> Test {
                            return [get, part = ToLower(ReadNonEmptyString(operation))](
                                       const Subject& subject) {
                              return ContainsIgnoreCase(get(subject), part);
                            };
                          },
                          [&](TokensGetter get) -> Test {
                            return [get, token = ToLower(ReadNonEmptyString(operation))](
                                       const Subject& subject) {
                              const auto& tokens = get(subject);
                              return std::any_of(tokens.begin(), tokens.end(),
                                                 [&](const std::string& candidate) {
                                                   return EqualsIgnoreCase(candidate, token);
                                                 });
                            };
                          },
                          [&](auto) -> Test { FailOperator(field, operation); },
                      },
                      field.get);
  }

  Test CompileInList(const FieldSpec& field, const Entry& operation, const std::optional<Entry>& match) {
    const auto matcher = std::make_shared<const ListMatcher>(match ? ReadMatchMode(*match) : MatchMode::kExact,
                                                             FindList(operation), ListIndexOf(field));
    return std::visit(Overloaded{
                          [&](TextGetter get) -> Test {
                            const size_t slot = ValueSlot(field);
                            if (const auto hit_list = matcher->HitListOf(); hit_list && hit_list->list < 64) {
                              const auto [kind, list] = *hit_list;
                              const auto [group, first] = list_hit_groups_.try_emplace({slot, kind}, list_hit_group_lists_.size());
                              if (first) list_hit_group_lists_.push_back(0);
                              size_t& lists = list_hit_group_lists_[group->second];
                              lists = std::max(lists, list + 1);
                              return OfBlock{[get, slot, kind, list, hit_group = group->second, matcher](
                                                 const PageEvaluation& evaluation, size_t block, LinkBits candidates) {
                                return evaluation.ListHitsHolding(hit_group, slot, get, kind, matcher->Index(), list,
                                                                  block, candidates);
                              }};
                            }
                            const auto matches = [matcher](const ListValue& value) { return matcher->Matches(value); };
                            return OfBlock{[get, matches, slot](const PageEvaluation& evaluation, size_t block,
                                                                LinkBits candidates) {
                              return evaluation.ListValuesHolding(slot, get, matches, block, candidates);
                            }};
                          },
                          [&](TokensGetter get) -> Test {
                            return [get, matcher](const Subject& subject) {
                              const auto& tokens = get(subject);
                              return std::any_of(tokens.begin(), tokens.end(), [&](const std::string& token) {
                                return matcher->Matches(ListValue(token));
                              });
                            };
                          },
                          [&](auto) -> Test { FailOperator(field, operation); },
                      },
                      field.get);
  }

  // RE2 runs in time linear in the input whatever the pattern; matching ignores case like the other
  // operators, and finds the pattern anywhere in the value unless it is anchored with ^ and $. A text
  // field's patterns are screened together, once per distinct value, and each is searched only when a
  // rule asks (see regex_group.h).
  Test CompileMatches(const FieldSpec& field, const Entry& operation) {
    const std::string pattern = ReadNonEmptyString(operation);
    auto regex = std::make_shared<const RE2>(pattern, RegexGroup::PatternOptions());
    if (!regex->ok()) {
      operation.Fail(Cat("'matches' is not a valid regular expression (RE2 syntax): ", regex->error()));
    }
    return std::visit(Overloaded{
                          [&](TextGetter get) -> Test {
                            const size_t slot = ValueSlot(field);
                            const auto [open, first] = open_regex_groups_.try_emplace(&field);
                            size_t& group_slot = open->second;
                            if (first || regex_group_patterns_[group_slot] == kMaxGroupPatterns) {
                              group_slot = regex_groups_.size();
                              regex_groups_.push_back(std::make_shared<RegexGroup>());
                              regex_group_patterns_.push_back(0);
                            }
                            ++regex_group_patterns_[group_slot];
                            const std::shared_ptr<RegexGroup>& group = regex_groups_[group_slot];
                            return OfBlock{[get, slot, group_slot, index = static_cast<int>(group->Add(pattern)),
                                            group = std::shared_ptr<const RegexGroup>(group)](
                                               const PageEvaluation& evaluation, size_t block, LinkBits candidates) {
                              return evaluation.RegexFound(group_slot, slot, *group, get, index, block, candidates);
                            }};
                          },
                          [&](TokensGetter get) -> Test {
                            return [get, regex](const Subject& subject) {
                              const auto& tokens = get(subject);
                              return std::any_of(tokens.begin(), tokens.end(), [&](const std::string& token) {
                                return RE2::PartialMatch(token, *regex);
                              });
                            };
                          },
                          [&](auto) -> Test { FailOperator(field, operation); },
                      },
                      field.get);
  }

  static MatchMode ReadMatchMode(const Entry& entry) {
    const std::string mode = ReadString(entry);
    const auto* found = std::find(std::begin(kMatchModes), std::end(kMatchModes), mode);
    if (found == std::end(kMatchModes)) {
      entry.Fail(Cat("unknown match '", mode, "'; allowed: ", Join(kMatchModes)));
    }
    return static_cast<MatchMode>(found - std::begin(kMatchModes));
  }

  static Test CompileBound(const FieldSpec& field, const Entry& operation) {
    const auto* get = std::get_if<IntGetter>(&field.get);
    if (get == nullptr) FailOperator(field, operation);
    const double bound = ReadNumber(operation);
    const bool greater = operation.name() == "greater_than";
    return Inlining<kCrossLinkFacts>(*get, [&](auto get) -> Test {
      if (greater) return [get, bound](const Subject& subject) { return get(subject) > bound; };
      return [get, bound](const Subject& subject) { return get(subject) < bound; };
    });
  }

  // The getters the most frequent tests read, per link: a test of one calls it directly, inlined into the
  // test's loop, rather than through a pointer. Bounds mostly test facts the evaluation holds per backlink,
  // and `equals` on a closed text field compares its ordinal.
  static constexpr IntGetter kCrossLinkFacts[] = {&AnchorWords,   &AnchorRepeats, &AnchorTargetEcho, &LinkRunLength,
                                                  &LinkRunDomains, &RelevanceOf,   &TargetPageLinks};
  static constexpr IntGetter kOrdinals[] = {&AnchorKindOrdinal, &RegionOrdinal};
  // make(get): `get` as a call of that getter when it is one of `kGetters`, else the pointer itself.
  template <const auto& kGetters, typename Getter, typename Make>
  static Test Inlining(Getter get, Make make) {
    std::optional<Test> inlined;
    [&]<size_t... kGetter>(std::index_sequence<kGetter...>) {
      (void)((get == kGetters[kGetter] &&
              (inlined = make([](const Subject& subject) { return kGetters[kGetter](subject); }), true)) ||
             ...);
    }(std::make_index_sequence<std::size(kGetters)>());
    return inlined ? std::move(*inlined) : make(get);
  }

  static std::vector<EvidencePart> CompileEvidence(const Entry& entry) {
    const std::string text = ReadString(entry);
    std::vector<EvidencePart> parts;
    std::string literal;
    for (size_t pos = 0; pos < text.size();) {
      const size_t open = text.find('{', pos);
      literal.append(text, pos, open - pos);
      if (open == std::string::npos) break;
      const size_t close = text.find('}', open);
      if (close == std::string::npos) {
        entry.Fail("'evidence' has a '{' without a closing '}'; placeholders look like {anchor.text}");
      }
      const std::string name = text.substr(open + 1, close - open - 1);
      const FieldSpec* field = FindField(name);
      if (field == nullptr) {
        entry.Fail(Cat("unknown placeholder '{", name, "}' in 'evidence'; allowed fields: ", FieldNames()));
      }
      parts.push_back({std::exchange(literal, {}), field});
      pos = close + 1;
    }
    if (!literal.empty() || parts.empty()) parts.push_back({std::move(literal)});
    return parts;
  }

  std::map<std::string, std::vector<std::string>> lists_;  // name -> normalised entries
  std::map<std::string, int> rule_lines_;                  // rule id -> line it was defined on
  size_t neighbour_predicates_ = 0;
  size_t page_predicates_ = 0;
  // One list index per field, shared by the field's list matchers: a value's words are looked up among the
  // words of the lists its own field is tested against (136 of 2,370 for section_heading), so fewer of them
  // are found listed and followed into the index.
  const std::shared_ptr<ListIndex>& ListIndexOf(const FieldSpec& field) {
    std::shared_ptr<ListIndex>& index = list_indexes_[&field];
    if (index == nullptr) index = std::make_shared<ListIndex>();
    return index;
  }
  std::map<const FieldSpec*, std::shared_ptr<ListIndex>> list_indexes_;
  // The value slot of a text field that in_list or matches tests.
  size_t ValueSlot(const FieldSpec& field) {
    return value_slots_.try_emplace(&field, value_slots_.size()).first->second;
  }
  std::map<const FieldSpec*, size_t> value_slots_ = {{FindField("anchor.text"), kAnchorValueSlot},
                                                     {FindField("target.url"), kUrlValueSlot},
                                                     {FindField("target.host"), kHostValueSlot},
                                                     {FindField("snippet"), kSnippetValueSlot},
                                                     {FindField("target.registrable_domain"), kDomainValueSlot}};
  std::vector<std::shared_ptr<RegexGroup>> regex_groups_;  // by group slot
  std::vector<size_t> regex_group_patterns_;               // by group slot: how many patterns it holds
  // (value slot, list kind) -> its list-hit group (see PageEvaluation::ListHitsHolding), and by group the
  // lists its masks cover: one more than the highest list a test reads.
  std::map<std::pair<size_t, ListValue::ListKind>, size_t> list_hit_groups_;
  std::vector<size_t> list_hit_group_lists_;
  std::map<const FieldSpec*, size_t> open_regex_groups_;  // text field -> the slot of its group taking more patterns
  std::map<std::string, YAML::Node> predicates_;  // named predicates, by name
  std::unordered_set<std::string> expanding_;     // named predicates being compiled, to catch cycles
  std::map<std::string, BlockTest> named_;  // compiled named predicates, with their answers cached
  size_t cached_predicates_ = 0;                  // named predicates and distinct field tests
  std::map<std::string, BlockTest> field_tests_;  // compiled field tests, by field, operator and operands
  std::map<std::string, BlockTest> neighbour_tests_;  // compiled neighbours predicates, by operand, window and count
  PredicateStates* states_ = nullptr;  // the compiled rules', where the predicates' states are added
};

std::string HexDigest(std::string_view bytes) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(bytes.data(), bytes.size()));
  constexpr char kHexDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : canonical.digest) {
    hex += kHexDigits[byte >> 4];
    hex += kHexDigits[byte & 0xf];
  }
  return hex;
}

}  // namespace

RuleSet::~RuleSet() = default;

Result<std::shared_ptr<const RuleSet>> RuleSet::Parse(std::string_view yaml, std::string_view source_name) {
  const auto located = [&](const YAML::Mark& mark, std::string_view message) {
    // yaml-cpp marks are 0-based, and -1 when there is no position (an empty document).
    return Failure{"rules", Cat(source_name, ":", std::to_string(std::max(mark.line, 0) + 1), ":",
                                std::to_string(std::max(mark.column, 0) + 1), ": ", message)};
  };
  try {
    LoadedFile file = Compiler().Compile(YAML::Load(std::string(yaml)));
    std::shared_ptr<RuleSet> rule_set(new RuleSet());
    rule_set->name_ = std::move(file.name);
    rule_set->hash_ = HexDigest(yaml);
    rule_set->compiled_ = std::make_unique<Compiled>(std::move(file.compiled));
    return std::shared_ptr<const RuleSet>(std::move(rule_set));
  } catch (const YAML::Exception& error) {
    return located(error.mark, error.msg);
  } catch (const LoadError& error) {
    return located(error.mark, error.message);
  }
}

Result<std::shared_ptr<const RuleSet>> RuleSet::LoadFile(const std::string& path) {
  // A directory opens like a file and reads as nothing, which would be reported as an empty rule file.
  if (std::error_code unknown; std::filesystem::is_directory(path, unknown)) {
    return Failure{"rules", Cat(path, ": cannot read the rule file: ", std::strerror(EISDIR))};
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return Failure{"rules", Cat(path, ": cannot open the rule file: ", std::strerror(errno))};
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (file.bad()) return Failure{"rules", Cat(path, ": cannot read the rule file: ", std::strerror(errno))};
  return Parse(bytes.view(), path);
}

namespace {

// The first trust entry listing the source page's or the target's registrable domain, if any. Inlined, so
// that a rule set without trust entries (the default file) pays one compare per link for each kind.
[[gnu::always_inline]] inline std::optional<TrustOverride> FindTrust(const std::vector<TrustList>& lists,
                                                                    TrustAction action, const Subject& subject) {
  // Registrable domains come lower-case from extraction, like the normalised list entries.
  for (const TrustList& list : lists) {
    for (std::string_view domain : {subject.page.registrable_domain, subject.link.registrable_domain}) {
      if (!domain.empty() && list.domains->contains(domain)) {
        return TrustOverride{action, std::string(domain), list.reason};
      }
    }
  }
  return std::nullopt;
}

struct FiredRule {
  const CompiledRule* rule;
  LinkBits links;  // of the block, those it fired for
};

// Scores the link into `score`, which is a default Score; `bit` is the link's in the block that `fired`
// describes. Written in place: the result vector's Scores are large, and a Score moved in costs a second write.
void ScoreLink(const RuleSet::Compiled& compiled, const Subject& subject, std::span<const FiredRule> fired,
               LinkBits bit, Score& score) {
  score.relevance = subject.evaluation.relevance(subject.index);
  double penalty = 0;
  // Sized once: a flagged link often has several flags, and growing the vector moves their evidence.
  score.flags.reserve(
      std::count_if(fired.begin(), fired.end(), [&](const FiredRule& rule) { return (rule.links & bit) != 0; }));
  for (const auto& [rule_pointer, links] : fired) {
    if ((links & bit) == 0) continue;
    const CompiledRule& rule = *rule_pointer;
    penalty += rule.weight;
    score.flags.push_back(
        {rule.id, rule.category, rule.weight, RenderEvidence(rule.evidence, subject), rule.severity});
  }
  // A block list pins the verdict whatever the rules say; an allow list silences a known-good domain.
  if (auto blocked = FindTrust(compiled.block, TrustAction::kBlock, subject)) {
    score.trust = std::move(*blocked);
    score.quality_score = 0;
    score.verdict = Verdict::kToxic;
    return;
  }
  if (auto allowed = FindTrust(compiled.allow, TrustAction::kAllow, subject)) {
    score.trust = std::move(*allowed);
    score.flags.clear();
    score.quality_score = 100;
    score.verdict = Verdict::kClean;
    return;
  }
  score.quality_score = static_cast<int>(std::lround(std::clamp(compiled.start - penalty, 0.0, 100.0)));
  if (score.quality_score < compiled.toxic_below) {
    score.verdict = Verdict::kToxic;
  } else if (score.quality_score < compiled.suspicious_below) {
    score.verdict = Verdict::kSuspicious;
  } else {
    score.verdict = Verdict::kClean;
  }
}

// Scores every backlink of the page into `scores` (index-aligned with the links), a block at a time.
void ScoreLinks(const RuleSet::Compiled& compiled, const PageEvaluation& evaluation, std::span<Score> scores) {
  // The rules that fired for some link of the block at hand, in file order, and those links: most rules
  // fire for none, and a link need not look at them.
  thread_local std::vector<FiredRule> fired;  // reused from page to page
  fired.reserve(compiled.rules.size());
  for (size_t block = 0; block < evaluation.blocks(); ++block) {
    const LinkBits backlinks = evaluation.backlinks(block);
    fired.clear();
    for (size_t rule = 0; rule < compiled.rules.size(); ++rule) {
      if (const LinkBits links = compiled.rule_tests[rule](evaluation, block, backlinks); links != 0) {
        fired.push_back({&compiled.rules[rule], links});
      }
    }
    LinkBits flagged = 0;  // the links some rule fired for
    for (const FiredRule& rule : fired) flagged |= rule.links;
    ForEachLink(block, backlinks, [&](size_t index, LinkBits bit) {
      // A link no rule fired for need not look at those that fired for others.
      const std::span<const FiredRule> its_rules =
          (flagged & bit) != 0 ? std::span<const FiredRule>(fired) : std::span<const FiredRule>();
      ScoreLink(compiled, evaluation.SubjectAt(index), its_rules, bit, scores[evaluation.link_index(index)]);
    });
  }
}

// The calling thread's evaluation, reset for `links`.
const PageEvaluation& EvaluationOf(const PageFacts& page, std::span<const Link> links,
                                   const RuleSet::Compiled& compiled) {
  thread_local PageEvaluation evaluation;
  evaluation.Reset(page, links, compiled);
  return evaluation;
}

}  // namespace

std::vector<Score> RuleSet::Evaluate(const ExtractedPage& page) const {
  const PageEvaluation& evaluation = EvaluationOf(page.page, page.links, *compiled_);
  // Copies of one unscored Score: `scores(n)` value-initialises each, clearing all its bytes (a `rep stos` per
  // link, internal links included) before it sets the members, which costs more than copying empty ones.
  static const Score kUnscored;
  std::vector<Score> scores(page.links.size(), kUnscored);
  ScoreLinks(*compiled_, evaluation, scores);
  return scores;
}

Score RuleSet::Evaluate(const Link& link, const PageFacts& page) const {
  Link backlink = link;
  backlink.is_backlink = true;  // scored as asked, even when the caller did not mark it
  const PageEvaluation& evaluation = EvaluationOf(page, std::span<const Link>(&backlink, 1), *compiled_);
  Score score;
  ScoreLinks(*compiled_, evaluation, std::span<Score>(&score, 1));
  return score;
}

}  // namespace backlint
