#include "event_serialization.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>
#include <xxhash.h>

#include <memory>
#include <utility>

namespace backlint {
namespace {

Failure EncodeFailure(std::string reason) { return Failure{"encode", std::move(reason)}; }

// Map fields (`other_schemes`) are written in key order, so one page always gives the same bytes: a
// warehouse can deduplicate redeliveries on them, and a diff shows only what changed. Protobuf's default
// writes maps in hash order, which differs from run to run.
bool SerializeDeterministically(const google::protobuf::Message& message, std::string& bytes) {
  bytes.clear();
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  return message.SerializeToCodedStream(&coded) && !coded.HadError();
}

constexpr std::string_view kTypeUrlPrefix = "type.googleapis.com";

// Resolves event types from the compiled-in descriptors, for printing deterministic bytes as JSON.
google::protobuf::util::TypeResolver& GeneratedTypes() {
  static const std::unique_ptr<google::protobuf::util::TypeResolver> resolver(
      google::protobuf::util::NewTypeResolverForDescriptorPool(std::string(kTypeUrlPrefix),
                                                               google::protobuf::DescriptorPool::generated_pool()));
  return *resolver;
}

void FillFacts(const PageFacts& page, v1::PageFacts& facts) {
  facts.set_canonical_url(page.canonical_url);
  facts.set_nofollow(page.nofollow);
  facts.set_meta_robots(page.meta_robots);
  facts.set_external_domains(page.external_domains);
  for (const auto& [scheme, count] : page.other_schemes) (*facts.mutable_other_schemes())[scheme] = count;
  facts.set_body_words(page.body_words);
  facts.set_link_text_ratio(page.link_text_ratio);
  for (const std::string& term : page.main_terms) facts.add_main_terms(term);
  v1::SiteMarkers& site = *facts.mutable_site();
  site.set_https(page.site.https);
  site.set_has_canonical(page.site.has_canonical);
  site.set_has_contact(page.site.has_contact);
  for (const std::string& id : page.site.tracking_ids) site.add_tracking_ids(id);
}

}  // namespace

std::string StableId(std::initializer_list<std::string_view> parts) {
  // '\0' separators keep field boundaries unambiguous ("ab"+"c" differs from "a"+"bc").
  std::string identity;
  for (std::string_view part : parts) identity.append(part).push_back('\0');
  XXH128_canonical_t canonical;  // big-endian bytes, so the id is the same on every platform
  XXH128_canonicalFromHash(&canonical, XXH3_128bits(identity.data(), identity.size()));
  constexpr char kHexDigits[] = "0123456789abcdef";
  std::string id;
  id.reserve(2 * sizeof(canonical.digest));
  for (const unsigned char byte : canonical.digest) {
    id.push_back(kHexDigits[byte >> 4]);
    id.push_back(kHexDigits[byte & 0x0f]);
  }
  return id;
}

void FillSource(const PageFacts& page, v1::Source& source) {
  source.set_url(page.url);
  source.set_host(page.host);
  source.set_registrable_domain(page.registrable_domain);
  source.set_title(page.title);
  source.set_lang(page.lang);
  source.set_fetched_at(page.fetched_at);
  FillFacts(page, *source.mutable_facts());
}

Result<EncodedEvent> Serialize(const google::protobuf::Message& event, const std::string& event_id,
                               EncodedEvent encoded, EventFormat format) {
  std::string bytes;
  if (!SerializeDeterministically(event, bytes)) {
    return EncodeFailure("protobuf serialisation failed for event " + event_id);
  }
  switch (format) {
    case EventFormat::kProtobuf:
      encoded.value = std::move(bytes);
      return encoded;
    case EventFormat::kJson: {
      google::protobuf::util::JsonPrintOptions options;
      options.preserve_proto_field_names = true;
      options.always_print_primitive_fields = true;  // a clean link still says "hidden": false
      const std::string type_url = std::string(kTypeUrlPrefix) + "/" + event.GetDescriptor()->full_name();
      const google::protobuf::util::Status status =
          google::protobuf::util::BinaryToJsonString(&GeneratedTypes(), type_url, bytes, &encoded.value, options);
      if (!status.ok()) {
        return EncodeFailure("JSON serialisation failed for event " + event_id + ": " +
                             std::string(status.message()));
      }
      return encoded;
    }
  }
  return EncodeFailure("unknown output format");
}

}  // namespace backlint
