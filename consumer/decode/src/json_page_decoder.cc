#include "backlint/decode/json_page_decoder.h"

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backlint/decode/base64.h"
#include "backlint/decode/charset.h"
#include "decode_failure.h"
#include "json_fields.h"
#include "page_url.h"
#include "reused_page.h"

namespace backlint {
namespace {

using json_fields::DecodeContainer;
using json_fields::ForEachElement;
using json_fields::ForEachMember;
using json_fields::HoldsOptional;
using json_fields::InvalidJson;
using json_fields::ReadOptional;
using json_fields::ReadString;
using simdjson::error_code;

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
  return ForEachElement(array, [&](size_t index, simdjson::ondemand::value& element) -> Status {
    Result<PreExtractedLink> link = DecodeLink(element, "links[" + std::to_string(index) + "]");
    if (!link) return link.failure();
    links.push_back(std::move(link).value());
    return std::nullopt;
  });
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

// Decodes the top-level fields one by one into `page`, remembering which ones were present.
class PageFieldDecoder {
 public:
  PageFieldDecoder(CrawledPage& page, const JsonObjectReader& reader) : page_(page), reader_(reader) {}

  Status Decode(std::string_view key, simdjson::ondemand::value& value) {
    using simdjson::ondemand::array;
    using simdjson::ondemand::object;
    if (key == "url") return DecodeUrl(value);
    if (key == "fetched_at") return ReadString(value, key, page_.fetched_at);
    if (key == "status") return DecodeStatus(value);
    if (key == "content_type") return ReadString(value, key, page_.content_type);
    if (key == "html") return DecodeHtml(value);
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

  Status Finish() {
    if (!has_url_) return FieldFailure("url", "missing");
    if (has_html_ && has_html_base64_) {
      return DecodeFailure("fields 'html' and 'html_base64': both present, expected at most one");
    }
    // Only the bytes are in the page's own charset: `html` is JSON text, already Unicode, and decoding
    // it again by its <meta charset> would garble it. Done last, when the headers are known.
    if (has_html_base64_) ConvertHtmlToUtf8(page_.html, HttpContentType(page_));
    if (!has_html_ && !has_html_base64_) page_.html.clear();  // the previous message's
    return std::nullopt;
  }

 private:
  Status DecodeUrl(simdjson::ondemand::value& value) {
    if (Status status = ReadString(value, "url", page_.url, &has_url_)) return status;
    return has_url_ ? ValidatePageUrl(page_.url, "url") : std::nullopt;
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

  // Nearly all of a message is its HTML: it is unescaped straight into the page.
  Status DecodeHtml(simdjson::ondemand::value& value) {
    Result<bool> holds = HoldsOptional<std::string_view>(value, "html");
    if (!holds) return holds.failure();
    if (!holds.value()) return std::nullopt;
    if (error_code error = reader_.ReadLongString(value, page_.html)) return InvalidJson(error);
    has_html_ = true;
    return std::nullopt;
  }

  Status DecodeHtmlBase64(simdjson::ondemand::value& value) {
    Result<std::optional<std::string_view>> text = ReadOptional<std::string_view>(value, "html_base64");
    if (!text) return text.failure();
    if (!text.value()) return std::nullopt;
    if (!DecodeBase64(*text.value(), page_.html)) return FieldFailure("html_base64", "invalid base64");
    has_html_base64_ = true;
    return std::nullopt;
  }

  CrawledPage& page_;
  const JsonObjectReader& reader_;
  bool has_url_ = false;
  bool has_html_ = false;
  bool has_html_base64_ = false;
};

}  // namespace

std::optional<Failure> JsonPageDecoder::DecodeInto(std::string_view message, CrawledPage& page) {
  ClearAllButHtml(page);
  PageFieldDecoder fields(page, reader_);
  if (Status status = reader_.Read(message, [&](std::string_view key, simdjson::ondemand::value& value) {
        return fields.Decode(key, value);
      })) {
    return status;
  }
  return fields.Finish();
}

Result<CrawledPage> JsonPageDecoder::Decode(std::string_view message) {
  CrawledPage page;
  if (std::optional<Failure> failure = DecodeInto(message, page)) return *failure;
  return page;
}

}  // namespace backlint
