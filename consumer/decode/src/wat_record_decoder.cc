#include "backlint/decode/wat_record_decoder.h"

#include <charconv>
#include <climits>
#include <string>
#include <utility>

#include "decode_failure.h"
#include "json_fields.h"
#include "page_url.h"

namespace backlint {
namespace {

using json_fields::DecodeContainer;
using json_fields::ForEachElement;
using json_fields::ForEachMember;
using json_fields::ReadOptional;
using json_fields::ReadString;
using simdjson::ondemand::array;
using simdjson::ondemand::json_type;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

const std::string kEnvelope = "Envelope";
const std::string kWarcHeader = kEnvelope + ".WARC-Header-Metadata";
const std::string kWarcType = kWarcHeader + ".WARC-Type";
const std::string kTargetUri = kWarcHeader + ".WARC-Target-URI";
const std::string kPayload = kEnvelope + ".Payload-Metadata";
const std::string kResponse = kPayload + ".HTTP-Response-Metadata";

std::string Child(std::string_view path, std::string_view key) {
  return std::string(path) + "." + std::string(key);
}

// Only these are links a reader follows; IMG@/src, LINK@/href, SCRIPT@/src and the like are not.
bool IsAnchorPath(std::string_view path) { return path == "A@/href" || path == "AREA@/href"; }

// Reads an optional object field, marks it present and visits its members.
template <typename Visit>
Status VisitObject(value& field_value, std::string_view path, bool& present, Visit visit) {
  return DecodeContainer<object>(field_value, path, [&](object& members) {
    present = true;
    return ForEachMember(members, visit);
  });
}

// WAT writes every number as a string ("Status": "200"); a JSON number is taken too.
Status ReadStatus(value& field_value, std::string_view path, int& status) {
  Result<json_type> type = json_fields::TypeOf(field_value);
  if (!type) return type.failure();
  int64_t code = 0;
  if (type.value() == json_type::number) {
    Result<std::optional<int64_t>> number = ReadOptional<int64_t>(field_value, path);
    if (!number) return number.failure();
    code = *number.value();
  } else {
    std::string text;
    bool present = false;
    if (Status read = ReadString(field_value, path, text, &present)) return read;
    if (!present) return std::nullopt;
    const char* end = text.data() + text.size();
    if (auto [parsed_end, error] = std::from_chars(text.data(), end, code);
        error != std::errc() || parsed_end != end) {
      return FieldFailure(path, "expected an HTTP status code, got " + Quoted(text));
    }
  }
  if (code < 0 || code > INT_MAX) return FieldFailure(path, "out of range: " + std::to_string(code));
  status = static_cast<int>(code);
  return std::nullopt;
}

// A header repeated in the response is an array of its values.
Status ReadHeaders(object& members, std::string_view path, CrawledPage& page) {
  return ForEachMember(members, [&](std::string_view name, value& header_value) -> Status {
    const std::string header_path = Child(path, name);
    Result<json_type> type = json_fields::TypeOf(header_value);
    if (!type) return type.failure();
    if (type.value() != json_type::array) {
      std::string text;
      bool present = false;
      if (Status status = ReadString(header_value, header_path, text, &present)) return status;
      if (present) page.headers.emplace_back(name, std::move(text));
      return std::nullopt;
    }
    return DecodeContainer<array>(header_value, header_path, [&](array& values) {
      return ForEachElement(values, [&](size_t index, value& element) -> Status {
        std::string text;
        bool present = false;
        if (Status status =
                ReadString(element, header_path + "[" + std::to_string(index) + "]", text, &present)) {
          return status;
        }
        if (present) page.headers.emplace_back(name, std::move(text));
        return std::nullopt;
      });
    });
  });
}

Status ReadLinks(array& links, std::string_view path, CrawledPage& page) {
  return ForEachElement(links, [&](size_t index, value& element) -> Status {
    const std::string link_path = std::string(path) + "[" + std::to_string(index) + "]";
    std::string kind;
    PreExtractedLink link;
    bool has_url = false;
    bool present = false;
    if (Status status = VisitObject(element, link_path, present, [&](std::string_view key, value& member) {
          if (key == "path") return ReadString(member, Child(link_path, key), kind);
          if (key == "url") return ReadString(member, Child(link_path, key), link.href, &has_url);
          if (key == "text") return ReadString(member, Child(link_path, key), link.text);
          if (key == "rel") return ReadString(member, Child(link_path, key), link.rel);
          return Status();
        })) {
      return status;
    }
    if (!present || !IsAnchorPath(kind)) return std::nullopt;
    if (!has_url) return FieldFailure(Child(link_path, "url"), "missing");
    page.links.push_back(std::move(link));
    return std::nullopt;
  });
}

// Walks the envelope, remembering which of the required objects were present.
class WatFieldDecoder {
 public:
  Status Record(std::string_view key, value& field_value) {
    if (key != kEnvelope) return std::nullopt;  // Container and the rest describe the WAT file itself
    return VisitObject(
        field_value, kEnvelope, has_envelope_,
        [&](std::string_view member, value& member_value) { return Envelope(member, member_value); });
  }

  Result<std::optional<CrawledPage>> Finish() && {
    if (!has_envelope_) return FieldFailure(kEnvelope, "missing");
    if (!has_warc_header_) return FieldFailure(kWarcHeader, "missing");
    // Records without a type are taken for responses, as before WAT files carried one.
    if (has_warc_type_ && warc_type_ != "response") return std::optional<CrawledPage>();
    if (!has_url_) return FieldFailure(kTargetUri, "missing");
    if (Status status = ValidatePageUrl(page_.url, kTargetUri)) return *status;
    if (!has_payload_) return FieldFailure(kPayload, "missing");
    if (!has_response_) return FieldFailure(kResponse, "missing");
    return std::optional<CrawledPage>(std::move(page_));
  }

 private:
  Status Envelope(std::string_view key, value& field_value) {
    if (key == "WARC-Header-Metadata") {
      return VisitObject(field_value, kWarcHeader, has_warc_header_,
                         [&](std::string_view member, value& header) {
                           if (member == "WARC-Target-URI")
                             return ReadString(header, kTargetUri, page_.url, &has_url_);
                           if (member == "WARC-Date")
                             return ReadString(header, Child(kWarcHeader, member), page_.fetched_at);
                           if (member == "WARC-Type") return ReadString(header, kWarcType, warc_type_, &has_warc_type_);
                           return Status();
                         });
    }
    if (key == "Payload-Metadata") {
      return VisitObject(field_value, kPayload, has_payload_, [&](std::string_view member, value& payload) {
        if (member != "HTTP-Response-Metadata") return Status();
        return VisitObject(payload, kResponse, has_response_,
                           [&](std::string_view name, value& response) { return Response(name, response); });
      });
    }
    return std::nullopt;
  }

  Status Response(std::string_view key, value& field_value) {
    const std::string path = Child(kResponse, key);
    bool present = false;
    if (key == "Response-Message") {
      return VisitObject(field_value, path, present, [&](std::string_view member, value& message) {
        return member == "Status" ? ReadStatus(message, Child(path, member), page_.status) : Status();
      });
    }
    if (key == "Headers") {
      return DecodeContainer<object>(field_value, path,
                                     [&](object& headers) { return ReadHeaders(headers, path, page_); });
    }
    if (key == "HTML-Metadata") {
      return VisitObject(field_value, path, present, [&](std::string_view member, value& html) {
        return HtmlMetadata(path, member, html);
      });
    }
    return std::nullopt;
  }

  Status HtmlMetadata(std::string_view html_path, std::string_view key, value& field_value) {
    const std::string path = Child(html_path, key);
    if (key == "Head") {
      bool present = false;
      return VisitObject(field_value, path, present, [&](std::string_view member, value& head) {
        if (member == "Title") return ReadString(head, Child(path, member), page_.title);
        if (member == "Base") return ReadString(head, Child(path, member), page_.base_url);
        return Status();
      });
    }
    if (key == "Links") {
      return DecodeContainer<array>(field_value, path,
                                    [&](array& links) { return ReadLinks(links, path, page_); });
    }
    return std::nullopt;
  }

  CrawledPage page_;
  std::string warc_type_;
  bool has_envelope_ = false;
  bool has_warc_header_ = false;
  bool has_warc_type_ = false;
  bool has_url_ = false;
  bool has_payload_ = false;
  bool has_response_ = false;
};

}  // namespace

Result<std::optional<CrawledPage>> WatRecordDecoder::Decode(std::string_view message) {
  WatFieldDecoder fields;
  if (Status status = reader_.Read(message, [&](std::string_view key, value& field_value) {
        return fields.Record(key, field_value);
      })) {
    return *status;
  }
  return std::move(fields).Finish();
}

}  // namespace backlint
