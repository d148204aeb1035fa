#include "backlint/decode/json_page_decoder.h"

#include <ada.h>
#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace backlint {
namespace {

using simdjson::error_code;
using simdjson::ondemand::json_type;

// Reasons end up in dead-letter headers, so quoted input is bounded.
constexpr size_t kMaxQuotedBytes = 200;
constexpr size_t kMinBufferBytes = 4096;

Failure DecodeFailure(std::string reason) { return Failure{"decode", std::move(reason)}; }

Failure InvalidJson(error_code error) {
  return DecodeFailure("invalid JSON: " + std::string(simdjson::error_message(error)));
}

Failure FieldFailure(std::string_view field, std::string_view problem) {
  return DecodeFailure("field '" + std::string(field) + "': " + std::string(problem));
}

std::string Quoted(std::string_view text) {
  if (text.size() <= kMaxQuotedBytes) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kMaxQuotedBytes)) + "...'";
}

std::string_view TypeName(json_type type) {
  switch (type) {
    case json_type::array: return "array";
    case json_type::object: return "object";
    case json_type::number: return "number";
    case json_type::string: return "string";
    case json_type::boolean: return "boolean";
    case json_type::null: return "null";
  }
  return "unknown";
}

// The JSON type each C++ type is read from, and its name in "expected ..." reasons.
template <typename T>
struct JsonTypeOf;
template <>
struct JsonTypeOf<std::string_view> {
  static constexpr json_type kType = json_type::string;
  static constexpr std::string_view kName = "string";
};
template <>
struct JsonTypeOf<int64_t> {
  static constexpr json_type kType = json_type::number;
  static constexpr std::string_view kName = "integer";
};
template <>
struct JsonTypeOf<simdjson::ondemand::object> {
  static constexpr json_type kType = json_type::object;
  static constexpr std::string_view kName = "object";
};
template <>
struct JsonTypeOf<simdjson::ondemand::array> {
  static constexpr json_type kType = json_type::array;
  static constexpr std::string_view kName = "array";
};

// Reads an optional field of type T; nullopt when it is null, which means absent.
template <typename T>
Result<std::optional<T>> ReadOptional(simdjson::ondemand::value& value, std::string_view field) {
  json_type type;
  if (error_code error = value.type().get(type)) return InvalidJson(error);
  if (type == json_type::null) {
    // The type is peeked from the first byte only, so "nul" must not pass as an absent field.
    bool is_null = false;
    if (value.is_null().get(is_null) != simdjson::SUCCESS || !is_null) {
      return InvalidJson(simdjson::N_ATOM_ERROR);
    }
    return std::optional<T>();
  }
  if (type != JsonTypeOf<T>::kType) {
    return FieldFailure(
        field, "expected " + std::string(JsonTypeOf<T>::kName) + ", got " + std::string(TypeName(type)));
  }
  T result;
  if (error_code error = value.get(result)) {
    // The type matched, so a failure here is a number that is no int64 (fraction, exponent, too big).
    if (error == simdjson::INCORRECT_TYPE || error == simdjson::NUMBER_OUT_OF_RANGE) {
      return FieldFailure(field, "expected integer, got non-integer or out-of-range number");
    }
    return InvalidJson(error);
  }
  return std::optional<T>(std::move(result));
}

// nullopt on success.
using Status = std::optional<Failure>;

// Reads an optional string field into `out`, left untouched when absent; sets `*present` when given.
Status ReadString(simdjson::ondemand::value& value, std::string_view field, std::string& out,
                  bool* present = nullptr) {
  Result<std::optional<std::string_view>> text = ReadOptional<std::string_view>(value, field);
  if (!text) return text.failure();
  if (!text.value()) return std::nullopt;
  out.assign(*text.value());
  if (present != nullptr) *present = true;
  return std::nullopt;
}

// Calls visit(key, value) for each member of `object`, stopping at the first failure.
template <typename Visit>
Status ForEachMember(simdjson::ondemand::object& object, Visit visit) {
  for (simdjson::simdjson_result<simdjson::ondemand::field> member : object) {
    simdjson::ondemand::field field;
    std::string_view key;
    if (error_code error = std::move(member).get(field)) return InvalidJson(error);
    if (error_code error = field.unescaped_key().get(key)) return InvalidJson(error);
    if (Status status = visit(key, field.value())) return status;
  }
  return std::nullopt;
}

bool IsBase64Alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

Result<std::string> DecodeBase64(std::string_view text, std::string_view field) {
  // EVP_DecodeBlock silently skips surrounding whitespace and decodes a misplaced '=' as zero bits,
  // so the strict RFC 4648 shape is checked here first: whole quanta, padding only at the end.
  const size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  if (text.size() % 4 != 0 || text.size() > INT_MAX ||
      !std::all_of(text.begin(), text.end() - padding, IsBase64Alphabet)) {
    return FieldFailure(field, "invalid base64");
  }
  std::string bytes(text.size() / 4 * 3, '\0');
  const int decoded =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                      reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (decoded < 0) return FieldFailure(field, "invalid base64");
  // EVP_DecodeBlock counts each '=' as a decoded zero byte.
  bytes.resize(static_cast<size_t>(decoded) - padding);
  return bytes;
}

bool IsAbsoluteHttpUrl(std::string_view text) {
  const ada::result<ada::url_aggregator> url = ada::parse<ada::url_aggregator>(text);
  return url && (url->type == ada::scheme::type::HTTP || url->type == ada::scheme::type::HTTPS);
}

Result<PreExtractedLink> DecodeLink(simdjson::ondemand::value& value, const std::string& field) {
  Result<std::optional<simdjson::ondemand::object>> object =
      ReadOptional<simdjson::ondemand::object>(value, field);
  if (!object) return object.failure();
  if (!object.value()) return FieldFailure(field, "expected object, got null");
  PreExtractedLink link;
  bool has_href = false;
  Status status =
      ForEachMember(*object.value(), [&](std::string_view key, simdjson::ondemand::value& member) {
        const std::string member_field = field + "." + std::string(key);
        if (key == "href") return ReadString(member, member_field, link.href, &has_href);
        if (key == "text") return ReadString(member, member_field, link.text);
        if (key == "rel") return ReadString(member, member_field, link.rel);
        return Status();
      });
  if (status) return *status;
  if (!has_href) return FieldFailure(field + ".href", "missing");
  return link;
}

Status DecodeLinks(simdjson::ondemand::array& array, std::vector<PreExtractedLink>& links) {
  for (simdjson::simdjson_result<simdjson::ondemand::value> element : array) {
    simdjson::ondemand::value element_value;
    if (error_code error = std::move(element).get(element_value)) return InvalidJson(error);
    Result<PreExtractedLink> link = DecodeLink(element_value, "links[" + std::to_string(links.size()) + "]");
    if (!link) return link.failure();
    links.push_back(std::move(link).value());
  }
  return std::nullopt;
}

Status DecodeHeaders(simdjson::ondemand::object& object,
                     std::vector<std::pair<std::string, std::string>>& headers) {
  return ForEachMember(object, [&](std::string_view name, simdjson::ondemand::value& value) {
    std::string header_value;
    bool present = false;
    Status status = ReadString(value, "headers." + std::string(name), header_value, &present);
    if (present) headers.emplace_back(name, std::move(header_value));
    return status;
  });
}

// The raw text of `object`, without the whitespace simdjson includes up to the next token.
Status ReadRawJson(simdjson::ondemand::object& object, std::string& out) {
  std::string_view raw;
  if (error_code error = object.raw_json().get(raw)) return InvalidJson(error);
  const size_t end = raw.find_last_not_of(" \t\n\r");
  out.assign(raw.substr(0, end == std::string_view::npos ? 0 : end + 1));
  return std::nullopt;
}

// Reads an optional object or array field and hands it to `decode`; absent leaves the page untouched.
template <typename T, typename Decode>
Status DecodeContainer(simdjson::ondemand::value& value, std::string_view field, Decode decode) {
  Result<std::optional<T>> container = ReadOptional<T>(value, field);
  if (!container) return container.failure();
  if (!container.value()) return std::nullopt;
  return decode(*container.value());
}

// Decodes the top-level fields one by one, remembering which ones were present.
class PageFieldDecoder {
 public:
  Status Decode(std::string_view key, simdjson::ondemand::value& value) {
    using simdjson::ondemand::array;
    using simdjson::ondemand::object;
    if (key == "url") return DecodeUrl(value);
    if (key == "fetched_at") return ReadString(value, key, page_.fetched_at);
    if (key == "status") return DecodeStatus(value);
    if (key == "content_type") return ReadString(value, key, page_.content_type);
    if (key == "html") return ReadString(value, key, page_.html, &has_html_);
    if (key == "html_base64") return DecodeHtmlBase64(value);
    if (key == "links") {
      return DecodeContainer<array>(value, key,
                                    [&](array& links) { return DecodeLinks(links, page_.links); });
    }
    if (key == "headers") {
      return DecodeContainer<object>(value, key,
                                     [&](object& headers) { return DecodeHeaders(headers, page_.headers); });
    }
    if (key == "metadata") {
      return DecodeContainer<object>(
          value, key, [&](object& metadata) { return ReadRawJson(metadata, page_.metadata_json); });
    }
    return std::nullopt;  // unknown fields are ignored so producers can add fields first
  }

  Result<CrawledPage> Finish() && {
    if (!has_url_) return FieldFailure("url", "missing");
    if (has_html_ && has_html_base64_) {
      return DecodeFailure("fields 'html' and 'html_base64': both present, expected at most one");
    }
    return std::move(page_);
  }

 private:
  Status DecodeUrl(simdjson::ondemand::value& value) {
    if (Status status = ReadString(value, "url", page_.url, &has_url_)) return status;
    if (has_url_ && !IsAbsoluteHttpUrl(page_.url)) {
      return FieldFailure("url", "not an absolute http(s) URL: " + Quoted(page_.url));
    }
    return std::nullopt;
  }

  Status DecodeStatus(simdjson::ondemand::value& value) {
    Result<std::optional<int64_t>> status = ReadOptional<int64_t>(value, "status");
    if (!status) return status.failure();
    if (!status.value()) return std::nullopt;
    if (*status.value() < INT_MIN || *status.value() > INT_MAX) {
      return FieldFailure("status", "out of range: " + std::to_string(*status.value()));
    }
    page_.status = static_cast<int>(*status.value());
    return std::nullopt;
  }

  Status DecodeHtmlBase64(simdjson::ondemand::value& value) {
    Result<std::optional<std::string_view>> text = ReadOptional<std::string_view>(value, "html_base64");
    if (!text) return text.failure();
    if (!text.value()) return std::nullopt;
    Result<std::string> html = DecodeBase64(*text.value(), "html_base64");
    if (!html) return html.failure();
    page_.html = std::move(html).value();
    has_html_base64_ = true;
    return std::nullopt;
  }

  CrawledPage page_;
  bool has_url_ = false;
  bool has_html_ = false;
  bool has_html_base64_ = false;
};

}  // namespace

bool JsonPageDecoder::LoadMessage(std::string_view message) {
  if (buffer_.data() == nullptr || buffer_.size() < message.size()) {
    // Grow geometrically so a stream of slowly growing messages does not reallocate each time.
    buffer_ = simdjson::padded_string(std::max({message.size(), 2 * buffer_.size(), kMinBufferBytes}));
    if (buffer_.data() == nullptr) return false;
  }
  std::memcpy(buffer_.data(), message.data(), message.size());
  // Stale bytes of a longer previous message must not read as a continuation of this one.
  std::memset(buffer_.data() + message.size(), 0, simdjson::SIMDJSON_PADDING);
  return true;
}

Result<CrawledPage> JsonPageDecoder::Decode(std::string_view message) {
  if (!LoadMessage(message)) {
    return DecodeFailure("out of memory for a message of " + std::to_string(message.size()) + " bytes");
  }
  simdjson::ondemand::document document;
  if (error_code error =
          parser_.iterate(buffer_.data(), message.size(), buffer_.size() + simdjson::SIMDJSON_PADDING)
              .get(document)) {
    return InvalidJson(error);
  }
  json_type type;
  if (error_code error = document.type().get(type)) return InvalidJson(error);
  if (type != json_type::object) {
    return DecodeFailure("expected a JSON object, got " + std::string(TypeName(type)));
  }
  simdjson::ondemand::object object;
  if (error_code error = document.get_object().get(object)) return InvalidJson(error);

  PageFieldDecoder fields;
  if (Status status = ForEachMember(object, [&](std::string_view key, simdjson::ondemand::value& value) {
        return fields.Decode(key, value);
      })) {
    return *status;
  }
  // On Demand stops at the object's end; anything after it is not part of a single JSON document.
  if (document.current_location().error() != simdjson::OUT_OF_BOUNDS) {
    return DecodeFailure("invalid JSON: trailing content after the top-level object");
  }
  return std::move(fields).Finish();
}

}  // namespace backlint
