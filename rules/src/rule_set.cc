#include "backlint/score/rule_set.h"

#include <xxhash.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <unordered_set>
#include <utility>
#include <variant>

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

using TextGetter = std::string_view (*)(const Link&, const PageFacts&);
using TokensGetter = const std::vector<std::string>& (*)(const Link&, const PageFacts&);
using BoolGetter = bool (*)(const Link&, const PageFacts&);
using IntGetter = int (*)(const Link&, const PageFacts&);
using Getter = std::variant<TextGetter, TokensGetter, BoolGetter, IntGetter>;

struct FieldType {
  std::string_view name;
  std::string_view operators;  // for error messages
};
// Indexed by Getter::index().
constexpr FieldType kFieldTypes[] = {
    {"text", "equals, contains, in_list"},
    {"token list", "contains, in_list"},
    {"boolean", "equals"},
    {"integer", "equals, greater_than, less_than"},
};

template <std::string Link::*member>
std::string_view LinkText(const Link& link, const PageFacts&) {
  return link.*member;
}
template <std::string PageFacts::*member>
std::string_view PageText(const Link&, const PageFacts& page) {
  return page.*member;
}

constexpr std::string_view kAnchorKinds[] = {"text", "image", "empty"};
constexpr std::string_view kRegions[] = {"content", "nav",      "header",  "footer",
                                          "sidebar", "comments", "related", "sponsored"};

struct FieldSpec {
  std::string_view name;
  Getter get;
  std::span<const std::string_view> vocabulary = {};  // the only values a closed text field takes
};

const FieldSpec kFields[] = {
    {"target.url", &LinkText<&Link::url>},
    {"target.host", &LinkText<&Link::host>},
    {"target.registrable_domain", &LinkText<&Link::registrable_domain>},
    {"anchor.text", &LinkText<&Link::anchor_text>},
    {"anchor.kind", TextGetter{[](const Link& link, const PageFacts&) { return ToString(link.anchor_kind); }},
     kAnchorKinds},
    {"rel", TokensGetter{[](const Link& link, const PageFacts&) -> const std::vector<std::string>& {
       return link.rel;
     }}},
    {"snippet", &LinkText<&Link::snippet>},
    {"region", TextGetter{[](const Link& link, const PageFacts&) { return ToString(link.region); }},
     kRegions},
    {"hidden", BoolGetter{[](const Link& link, const PageFacts&) { return link.hidden; }}},
    {"position", IntGetter{[](const Link& link, const PageFacts&) { return link.position; }}},
    {"page.url", &PageText<&PageFacts::url>},
    {"page.host", &PageText<&PageFacts::host>},
    {"page.registrable_domain", &PageText<&PageFacts::registrable_domain>},
    {"page.title", &PageText<&PageFacts::title>},
    {"page.lang", &PageText<&PageFacts::lang>},
    {"page.meta_robots", &PageText<&PageFacts::meta_robots>},
    {"page.outbound_links",
     IntGetter{[](const Link&, const PageFacts& page) { return page.outbound_links; }}},
    {"page.canonical_url", &PageText<&PageFacts::canonical_url>},
    {"page.nofollow", BoolGetter{[](const Link&, const PageFacts& page) { return page.nofollow; }}},
    {"page.external_domains",
     IntGetter{[](const Link&, const PageFacts& page) { return page.external_domains; }}},
    {"page.body_words", IntGetter{[](const Link&, const PageFacts& page) { return page.body_words; }}},
    // A percentage, since rules compare integers.
    {"page.link_text_percent", IntGetter{[](const Link&, const PageFacts& page) {
       return static_cast<int>(std::lround(page.link_text_ratio * 100));
     }}},
    {"page.main_terms",
     TokensGetter{[](const Link&, const PageFacts& page) -> const std::vector<std::string>& {
       return page.main_terms;
     }}},
    {"page.https", BoolGetter{[](const Link&, const PageFacts& page) { return page.site.https; }}},
    {"page.has_canonical", BoolGetter{[](const Link&, const PageFacts& page) { return page.site.has_canonical; }}},
    {"page.has_contact", BoolGetter{[](const Link&, const PageFacts& page) { return page.site.has_contact; }}},
    {"page.tracking_ids",
     TokensGetter{[](const Link&, const PageFacts& page) -> const std::vector<std::string>& {
       return page.site.tracking_ids;
     }}},
};

template <typename... Visitors>
struct Overloaded : Visitors... {
  using Visitors::operator()...;
};

void AppendValue(const Getter& getter, const Link& link, const PageFacts& page, std::string& out) {
  std::visit(Overloaded{
                 [&](TextGetter get) { out += get(link, page); },
                 [&](TokensGetter get) {
                   const auto& tokens = get(link, page);
                   for (size_t i = 0; i < tokens.size(); ++i) out.append(i == 0 ? "" : " ").append(tokens[i]);
                 },
                 [&](BoolGetter get) { out += get(link, page) ? "true" : "false"; },
                 [&](IntGetter get) { out += std::to_string(get(link, page)); },
             },
             getter);
}

// ---------------------------------------------------------------------------------------------------------
// Text helpers. Lower-casing is ASCII only: hosts are punycode and the list phrases are matched per byte.

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
// Letters and digits; any non-ASCII byte counts as a letter so UTF-8 words stay whole.
bool IsWordByte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
}

// Lower-cases `text`, turns every run of separator bytes into one space and trims the ends.
template <typename IsSeparator>
std::string Squeeze(std::string_view text, IsSeparator is_separator) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (is_separator(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += Lower(c);
  }
  return out;
}

std::string NormaliseText(std::string_view text) { return Squeeze(text, IsSpace); }
std::string ToLower(std::string_view text) {
  return Squeeze(text, [](char) { return false; });
}
// The words of `text` joined by single spaces, so "Buy-Viagra, online!" becomes "buy viagra online".
std::string WordKey(std::string_view text) {
  return Squeeze(text, [](char c) { return !IsWordByte(c); });
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
// Named lists, precompiled per match mode into hash sets so a lookup costs a few hashes, not a scan.

enum class MatchMode { kExact, kWord, kPrefix, kSuffix };

class ListMatcher {
 public:
  ListMatcher(MatchMode mode, const std::vector<std::string>& normalised_entries) : mode_(mode) {
    for (const std::string& entry : normalised_entries) {
      std::string key = mode == MatchMode::kWord ? WordKey(entry) : entry;
      if (key.empty()) continue;  // punctuation only: no whole word to match
      if (mode == MatchMode::kWord) {
        max_words_ = std::max(max_words_, static_cast<size_t>(std::count(key.begin(), key.end(), ' ')) + 1);
      }
      entry_lengths_.push_back(key.size());
      entries_.insert(std::move(key));
    }
    std::sort(entry_lengths_.begin(), entry_lengths_.end());
    entry_lengths_.erase(std::unique(entry_lengths_.begin(), entry_lengths_.end()), entry_lengths_.end());
  }

  bool Matches(std::string_view value) const {
    switch (mode_) {
      case MatchMode::kExact:
        return entries_.contains(NormaliseText(value));
      case MatchMode::kWord:
        return ContainsWordSequence(WordKey(value));
      case MatchMode::kPrefix:
      case MatchMode::kSuffix:
        return HasAffix(NormaliseText(value));
    }
    return false;
  }

 private:
  // Looks up every run of up to max_words_ consecutive words; in a word key those runs are substrings.
  bool ContainsWordSequence(std::string_view words) const {
    for (size_t start = 0; start < words.size();) {
      size_t end = start;
      for (size_t count = 0; count < max_words_ && end < words.size(); ++count) {
        end = std::min(words.find(' ', end + 1), words.size());
        if (entries_.contains(words.substr(start, end - start))) return true;
      }
      const size_t next_space = words.find(' ', start);
      if (next_space == std::string_view::npos) break;
      start = next_space + 1;
    }
    return false;
  }

  bool HasAffix(std::string_view value) const {
    for (size_t length : entry_lengths_) {
      if (length > value.size()) break;
      const size_t offset = mode_ == MatchMode::kPrefix ? 0 : value.size() - length;
      if (entries_.contains(value.substr(offset, length))) return true;
    }
    return false;
  }

  MatchMode mode_;
  StringSet entries_;
  std::vector<size_t> entry_lengths_;  // distinct, ascending
  size_t max_words_ = 0;
};

// ---------------------------------------------------------------------------------------------------------
// Compiled rules.

using Test = std::function<bool(const Link&, const PageFacts&)>;

struct EvidencePart {
  std::string literal;
  const FieldSpec* field = nullptr;  // printed after the literal; null for the trailing literal
};

struct CompiledRule {
  std::string id;
  Category category = Category::kSpammy;
  double weight = 0;
  Test when;
  std::vector<EvidencePart> evidence;
};

std::string RenderEvidence(const std::vector<EvidencePart>& parts, const Link& link, const PageFacts& page) {
  std::string out;
  for (const EvidencePart& part : parts) {
    out += part.literal;
    if (part.field != nullptr) AppendValue(part.field->get, link, page, out);
  }
  return out;
}

}  // namespace

struct RuleSet::Compiled {
  double start = 100;
  double suspicious_below = 80;
  double toxic_below = 40;
  std::vector<CompiledRule> rules;  // enabled rules only, in file order
};

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

const FieldSpec* FindField(std::string_view name) {
  const auto* field = std::find_if(std::begin(kFields), std::end(kFields),
                                   [&](const FieldSpec& spec) { return spec.name == name; });
  return field == std::end(kFields) ? nullptr : field;
}

constexpr std::string_view kTopLevelKeys[] = {"name", "scoring", "lists", "rules"};
constexpr std::string_view kScoringKeys[] = {"start", "suspicious_below", "toxic_below"};
constexpr std::string_view kRuleKeys[] = {"id",          "category", "weight",  "enabled",
                                          "description", "when",     "evidence"};
constexpr std::string_view kCategories[] = {"paid", "forced_keyword", "spammy"};
constexpr std::string_view kCombinators[] = {"all", "any", "not"};
constexpr std::string_view kOperators[] = {"equals", "contains", "in_list", "greater_than", "less_than"};
constexpr std::string_view kPredicateKeys[] = {"field",        "equals",    "contains", "in_list", "match",
                                               "greater_than", "less_than", "all",      "any",     "not"};
constexpr std::string_view kMatchModes[] = {"exact", "word", "prefix", "suffix"};
constexpr std::string_view kPredicateExample = "{field: rel, contains: sponsored} or {all: [...]}";

struct LoadedFile {
  std::string name;
  RuleSet::Compiled compiled;
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
    file.name = ReadNonEmptyString(Require(root, "name", "the rule file"));
    if (auto scoring = Find(root, "scoring")) ReadScoring(scoring->value, file.compiled);
    if (auto lists = Find(root, "lists")) ReadLists(lists->value);
    const Entry rules = Require(root, "rules", "the rule file");
    if (!rules.value.IsSequence()) {
      rules.Fail(Cat("'rules' must be a list of rules, got ", Describe(rules.value)));
    }
    for (const YAML::Node& rule : rules.value) ReadRule(rule, file.compiled.rules);
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

  void ReadRule(const YAML::Node& rule, std::vector<CompiledRule>& rules) {
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
    const Entry weight = Require(rule, "weight", context);
    compiled.weight = ReadNumber(weight);
    if (compiled.weight < 0) weight.Fail(Cat("'weight' must be >= 0, got ", FormatNumber(compiled.weight)));
    const std::optional<Entry> enabled = Find(rule, "enabled");
    if (auto description = Find(rule, "description")) ReadString(*description);
    compiled.when = CompilePredicate(Require(rule, "when", context).value);
    compiled.evidence = CompileEvidence(Require(rule, "evidence", context));
    // Disabled rules are still validated, so switching one on later cannot break the file.
    if (!enabled || ReadBool(*enabled)) rules.push_back(std::move(compiled));
  }

  static Category ReadCategory(const Entry& entry) {
    const std::string name = ReadString(entry);
    if (name == "paid") return Category::kPaid;
    if (name == "forced_keyword") return Category::kForcedKeyword;
    if (name == "spammy") return Category::kSpammy;
    entry.Fail(Cat("unknown category '", name, "'; allowed: ", Join(kCategories)));
  }

  Test CompilePredicate(const YAML::Node& predicate) {
    ExpectMap(predicate, "a predicate", kPredicateExample);
    CheckKeys(predicate, "a predicate", kPredicateKeys);
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

    if (operation->name() == "equals") return CompileEquals(*field, *operation);
    if (operation->name() == "contains") return CompileContains(*field, *operation);
    if (operation->name() == "in_list") return CompileInList(*field, *operation, match);
    return CompileBound(*field, *operation);
  }

  Test CompileCombinator(const Entry& entry) {
    if (entry.name() == "not") {
      return [operand = CompilePredicate(entry.value)](const Link& link, const PageFacts& page) {
        return !operand(link, page);
      };
    }
    if (!entry.value.IsSequence() || entry.value.size() == 0) {
      entry.Fail(
          Cat("'", entry.name(), "' must be a non-empty list of predicates, got ", Describe(entry.value)));
    }
    std::vector<Test> operands;
    for (const YAML::Node& operand : entry.value) operands.push_back(CompilePredicate(operand));
    if (entry.name() == "all") {
      return [operands = std::move(operands)](const Link& link, const PageFacts& page) {
        return std::all_of(operands.begin(), operands.end(),
                           [&](const Test& test) { return test(link, page); });
      };
    }
    return [operands = std::move(operands)](const Link& link, const PageFacts& page) {
      return std::any_of(operands.begin(), operands.end(),
                         [&](const Test& test) { return test(link, page); });
    };
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
              if (!field.vocabulary.empty() && std::find(field.vocabulary.begin(), field.vocabulary.end(),
                                                         expected) == field.vocabulary.end()) {
                operation.Fail(Cat("'", field.name, "' is never '", expected,
                                   "'; its values are: ", Join(field.vocabulary)));
              }
              return [get, expected](const Link& link, const PageFacts& page) {
                return EqualsIgnoreCase(get(link, page), expected);
              };
            },
            [&](BoolGetter get) -> Test {
              return [get, expected = ReadBool(operation)](const Link& link, const PageFacts& page) {
                return get(link, page) == expected;
              };
            },
            [&](IntGetter get) -> Test {
              return [get, expected = ReadInt(operation)](const Link& link, const PageFacts& page) {
                return get(link, page) == expected;
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
                                       const Link& link, const PageFacts& page) {
                              return ContainsIgnoreCase(get(link, page), part);
                            };
                          },
                          [&](TokensGetter get) -> Test {
                            return [get, token = ToLower(ReadNonEmptyString(operation))](
                                       const Link& link, const PageFacts& page) {
                              const auto& tokens = get(link, page);
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

  Test CompileInList(const FieldSpec& field, const Entry& operation,
                     const std::optional<Entry>& match) const {
    const std::string list_name = ReadString(operation);
    const auto list = lists_.find(list_name);
    if (list == lists_.end()) {
      std::vector<std::string_view> names;
      for (const auto& [name, entries] : lists_) names.push_back(name);
      operation.Fail(
          Cat("unknown list '", list_name, "'; ",
              names.empty() ? "no lists are defined under 'lists'" : Cat("defined lists: ", Join(names))));
    }
    const auto matcher =
        std::make_shared<const ListMatcher>(match ? ReadMatchMode(*match) : MatchMode::kExact, list->second);
    return std::visit(Overloaded{
                          [&](TextGetter get) -> Test {
                            return [get, matcher](const Link& link, const PageFacts& page) {
                              return matcher->Matches(get(link, page));
                            };
                          },
                          [&](TokensGetter get) -> Test {
                            return [get, matcher](const Link& link, const PageFacts& page) {
                              const auto& tokens = get(link, page);
                              return std::any_of(tokens.begin(), tokens.end(), [&](const std::string& token) {
                                return matcher->Matches(token);
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
    if (operation.name() == "greater_than") {
      return [get = *get, bound](const Link& link, const PageFacts& page) { return get(link, page) > bound; };
    }
    return [get = *get, bound](const Link& link, const PageFacts& page) { return get(link, page) < bound; };
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
  std::ifstream file(path, std::ios::binary);
  if (!file) return Failure{"rules", Cat(path, ": cannot open the rule file: ", std::strerror(errno))};
  std::ostringstream bytes;
  bytes << file.rdbuf();
  if (file.bad()) return Failure{"rules", Cat(path, ": cannot read the rule file: ", std::strerror(errno))};
  return Parse(bytes.view(), path);
}

Score RuleSet::Evaluate(const Link& link, const PageFacts& page) const {
  Score score;
  double penalty = 0;
  for (const CompiledRule& rule : compiled_->rules) {
    if (!rule.when(link, page)) continue;
    penalty += rule.weight;
    score.flags.push_back({rule.id, rule.category, rule.weight, RenderEvidence(rule.evidence, link, page)});
  }
  score.quality_score = static_cast<int>(std::lround(std::clamp(compiled_->start - penalty, 0.0, 100.0)));
  if (score.quality_score < compiled_->toxic_below) {
    score.verdict = Verdict::kToxic;
  } else if (score.quality_score < compiled_->suspicious_below) {
    score.verdict = Verdict::kSuspicious;
  } else {
    score.verdict = Verdict::kClean;
  }
  return score;
}

}  // namespace backlint
