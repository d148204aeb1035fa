#include "backlint/extract/css_visibility.h"

#include <lexbor/css/css.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <string_view>

#include "backlint/extract/ascii.h"

namespace backlint {
namespace {

// Names (or the common part of the names) of every property Hides looks at.
constexpr std::string_view kHidingProperties[] = {"display", "visibility", "opacity", "font-size",
                                                  "text-indent", "position", "overflow"};

// Text pushed this far left is off-screen on any display; "-9999px" and "-100em" are the usual idioms.
constexpr double kOffScreenPx = -999;

// A property's winning value: a later declaration replaces an earlier one unless only the earlier is
// !important.
struct Winner {
  bool value = false;
  bool important = false;
  void Offer(bool candidate, bool candidate_important) {
    if (candidate_important || !important) {
      value = candidate;
      important = candidate_important;
    }
  }
};

// A length in CSS pixels, for the absolute units and font-relative ones at the default 16px font;
// nullopt for units that depend on the viewport or layout.
std::optional<double> ToPixels(const lxb_css_value_length_t& length) {
  switch (static_cast<int>(length.unit)) {  // lexbor splits units over several enums
    case LXB_CSS_UNIT_PX: return length.num;
    case LXB_CSS_UNIT_EM:
    case LXB_CSS_UNIT_REM: return length.num * 16;
    case LXB_CSS_UNIT_PT: return length.num * 96 / 72;
    case LXB_CSS_UNIT_PC: return length.num * 16;
    case LXB_CSS_UNIT_IN: return length.num * 96;
    case LXB_CSS_UNIT_CM: return length.num * 96 / 2.54;
    case LXB_CSS_UNIT_MM: return length.num * 96 / 25.4;
    default: return std::nullopt;
  }
}

bool IsZero(const lxb_css_value_length_percentage_t& value) {
  switch (value.type) {
    case LXB_CSS_VALUE__NUMBER: return value.u.length.num == 0;  // a bare "0"
    case LXB_CSS_VALUE__LENGTH: return value.u.length.num == 0;
    case LXB_CSS_VALUE__PERCENTAGE: return value.u.percentage.num == 0;
    default: return false;
  }
}

bool IsOffScreen(const lxb_css_value_length_percentage_t& value) {
  if (value.type != LXB_CSS_VALUE__LENGTH) return false;
  const std::optional<double> pixels = ToPixels(value.u.length);
  return pixels && *pixels <= kOffScreenPx;
}

bool IsOverflowHidden(lxb_css_value_type_t type) { return type == LXB_CSS_VALUE_HIDDEN || type == LXB_CSS_VALUE_CLIP; }

// lexbor has no `overflow` shorthand; it reports it as a custom property with the raw value.
bool IsOverflowShorthandHidden(const lxb_css_property__custom_t& custom) {
  const std::string_view name(reinterpret_cast<const char*>(custom.name.data), custom.name.length);
  if (!ascii::EqualsIgnoreCase(name, "overflow")) return false;
  const std::string_view value(reinterpret_cast<const char*>(custom.value.data), custom.value.length);
  return ascii::ContainsIgnoreCase(value, "hidden") || ascii::ContainsIgnoreCase(value, "clip");
}

}  // namespace

CssVisibility::~CssVisibility() {
  if (parser_ != nullptr) lxb_css_parser_destroy(parser_, true);
  if (memory_ != nullptr) lxb_css_memory_destroy(memory_, true);
}

bool CssVisibility::Hides(std::string_view style) {
  // Only these properties can hide; a style naming none of them (and with no escape that could spell one)
  // hides nothing, so most styles skip the CSS parser.
  if (style.find('\\') == std::string_view::npos &&
      !std::any_of(std::begin(kHidingProperties), std::end(kHidingProperties),
                   [&](std::string_view property) { return ascii::ContainsIgnoreCase(style, property); })) {
    return false;
  }
  if (!Ready()) return false;
  const auto* data = reinterpret_cast<const lxb_char_t*>(style.data());
  const lxb_css_rule_declaration_list_t* list = lxb_css_declaration_list_parse(parser_, data, style.size());
  Winner display_none, visibility_hidden, transparent, no_font, indented_away;
  Winner positioned, left_away, top_away, zero_width, zero_height, overflow_hidden;
  for (const lxb_css_rule_t* rule = list != nullptr ? list->first : nullptr; rule != nullptr; rule = rule->next) {
    if (rule->type != LXB_CSS_RULE_DECLARATION) continue;
    const auto& declaration = *reinterpret_cast<const lxb_css_rule_declaration_t*>(rule);
    const bool important = declaration.important;
    switch (declaration.type) {
      case LXB_CSS_PROPERTY_DISPLAY:
        display_none.Offer(declaration.u.display->a == LXB_CSS_DISPLAY_NONE, important);
        break;
      case LXB_CSS_PROPERTY_VISIBILITY: {
        const lxb_css_visibility_type_t visibility = declaration.u.visibility->type;
        visibility_hidden.Offer(
            visibility == LXB_CSS_VISIBILITY_HIDDEN || visibility == LXB_CSS_VISIBILITY_COLLAPSE, important);
        break;
      }
      case LXB_CSS_PROPERTY_OPACITY: {
        const lxb_css_property_opacity_t& opacity = *declaration.u.opacity;
        transparent.Offer((opacity.type == LXB_CSS_VALUE__NUMBER && opacity.u.number.num <= 0) ||
                              (opacity.type == LXB_CSS_VALUE__PERCENTAGE && opacity.u.percentage.num <= 0),
                          important);
        break;
      }
      case LXB_CSS_PROPERTY_FONT_SIZE:
        no_font.Offer(IsZero(declaration.u.font_size->length), important);
        break;
      case LXB_CSS_PROPERTY_TEXT_INDENT:
        indented_away.Offer(IsOffScreen(declaration.u.text_indent->length), important);
        break;
      case LXB_CSS_PROPERTY_POSITION: {
        const lxb_css_position_type_t position = declaration.u.position->type;
        positioned.Offer(position == LXB_CSS_POSITION_ABSOLUTE || position == LXB_CSS_POSITION_FIXED, important);
        break;
      }
      case LXB_CSS_PROPERTY_LEFT: left_away.Offer(IsOffScreen(*declaration.u.left), important); break;
      case LXB_CSS_PROPERTY_TOP: top_away.Offer(IsOffScreen(*declaration.u.top), important); break;
      case LXB_CSS_PROPERTY_WIDTH: zero_width.Offer(IsZero(*declaration.u.width), important); break;
      case LXB_CSS_PROPERTY_HEIGHT: zero_height.Offer(IsZero(*declaration.u.height), important); break;
      case LXB_CSS_PROPERTY_OVERFLOW_X:
        overflow_hidden.Offer(IsOverflowHidden(declaration.u.overflow_x->type), important);
        break;
      case LXB_CSS_PROPERTY_OVERFLOW_Y:
        overflow_hidden.Offer(IsOverflowHidden(declaration.u.overflow_y->type), important);
        break;
      case LXB_CSS_PROPERTY__CUSTOM:
        if (IsOverflowShorthandHidden(*declaration.u.custom)) overflow_hidden.Offer(true, important);
        break;
      default: break;
    }
  }
  // The declarations live in memory_; drop them before the next style attribute.
  lxb_css_memory_clean(memory_);
  return display_none.value || visibility_hidden.value || transparent.value || no_font.value ||
         indented_away.value || (positioned.value && (left_away.value || top_away.value)) ||
         ((zero_width.value || zero_height.value) && overflow_hidden.value);
}

bool CssVisibility::Ready() {
  if (parser_ != nullptr) return true;
  if (failed_) return false;
  memory_ = lxb_css_memory_create();
  parser_ = lxb_css_parser_create();
  failed_ = memory_ == nullptr || parser_ == nullptr || lxb_css_memory_init(memory_, 64) != LXB_STATUS_OK ||
            lxb_css_parser_init(parser_, nullptr) != LXB_STATUS_OK;
  if (failed_) {
    if (parser_ != nullptr) parser_ = lxb_css_parser_destroy(parser_, true);
    if (memory_ != nullptr) memory_ = lxb_css_memory_destroy(memory_, true);
    return false;
  }
  lxb_css_parser_memory_set(parser_, memory_);
  return true;
}

}  // namespace backlint
