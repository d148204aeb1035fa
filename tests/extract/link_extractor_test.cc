#include "backlint/extract/link_extractor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "backlint/extract/collapsed_text.h"

namespace backlint {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

class LinkExtractorTest : public ::testing::Test {
 protected:
  static LinkExtractor MakeExtractor() {
    Result<RegistrableDomains> domains = RegistrableDomains::LoadSystem();
    EXPECT_TRUE(domains.ok()) << (domains.ok() ? "" : domains.failure().reason);
    return LinkExtractor(std::move(domains).value());
  }

  ExtractedPage Extract(const std::string& html,
                        const std::string& url = "https://www.example.com/blog/post.html") {
    CrawledPage page;
    page.url = url;
    page.html = html;
    Result<ExtractedPage> result = extractor_.Extract(page);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.failure().reason);
    return result.ok() ? std::move(result).value() : ExtractedPage{};
  }

  // The links of a body fragment, parsed as a whole document.
  std::vector<Link> LinksOf(const std::string& body) { return Extract("<!doctype html><body>" + body).links; }

  LinkExtractor extractor_ = MakeExtractor();
};

std::vector<std::string> UrlsOf(const std::vector<Link>& links) {
  std::vector<std::string> urls;
  for (const Link& link : links) urls.push_back(link.url);
  return urls;
}

TEST_F(LinkExtractorTest, OtherSitesAreBacklinksAndSubdomainsOfThePageSiteAreNot) {
  const ExtractedPage page = Extract(
      "<p><a href='https://other.org/x'>other</a> <a href='https://blog.example.com/y'>blog</a>"
      " <a href='/about'>about</a> <a href='https://example.com.evil.net/'>lookalike</a></p>");
  ASSERT_THAT(page.links, SizeIs(4));
  EXPECT_TRUE(page.links[0].is_backlink);
  EXPECT_EQ(page.links[0].registrable_domain, "other.org");
  EXPECT_FALSE(page.links[1].is_backlink);
  EXPECT_EQ(page.links[1].registrable_domain, "example.com");
  EXPECT_FALSE(page.links[2].is_backlink);
  EXPECT_TRUE(page.links[3].is_backlink);
  EXPECT_EQ(page.page.outbound_links, 2);
  EXPECT_EQ(page.page.registrable_domain, "example.com");
}

TEST_F(LinkExtractorTest, RelativeHrefsResolveAgainstThePageUrl) {
  const std::vector<Link> links = LinksOf(
      "<a href='../up.html'>a</a><a href='sub/x?q=1'>b</a><a href='//cdn.other.net/a'>c</a>"
      "<a href=' /trimmed '>d</a>");
  EXPECT_THAT(UrlsOf(links),
              ElementsAre("https://www.example.com/up.html", "https://www.example.com/blog/sub/x?q=1",
                          "https://cdn.other.net/a", "https://www.example.com/trimmed"));
}

TEST_F(LinkExtractorTest, FirstBaseHrefIsTheBaseEvenForLinksBeforeIt) {
  const ExtractedPage page = Extract(
      "<html><head><base href='/static/'><base href='https://ignored.net/'></head>"
      "<body><a href='a.html'>a</a></body></html>");
  EXPECT_THAT(UrlsOf(page.links), ElementsAre("https://www.example.com/static/a.html"));

  const ExtractedPage absolute_base =
      Extract("<body><a href='b.html'>b</a><base href='http://mirror.example.net/root/'></body>");
  ASSERT_THAT(absolute_base.links, SizeIs(1));
  EXPECT_EQ(absolute_base.links[0].url, "http://mirror.example.net/root/b.html");
  EXPECT_TRUE(absolute_base.links[0].is_backlink);
}

TEST_F(LinkExtractorTest, NonHttpSchemesAreSkippedAndPositionsCountKeptLinksOnly) {
  const std::vector<Link> links = LinksOf(
      "<a href='mailto:me@example.com'>m</a><a href='http://one.org/'>1</a>"
      "<a href='javascript:void(0)'>j</a><a href='tel:+123'>t</a><a href='ftp://files.org/'>f</a>"
      "<a href='data:text/html,x'>d</a><a href='https://two.org/'>2</a><a href='http://[bad'>bad</a>"
      "<a name='no-href'>n</a>");
  EXPECT_THAT(UrlsOf(links), ElementsAre("http://one.org/", "https://two.org/"));
  EXPECT_EQ(links[0].position, 0);
  EXPECT_EQ(links[1].position, 1);
}

TEST_F(LinkExtractorTest, FragmentIsDropped) {
  const ExtractedPage page = Extract("<a href='https://x.org/p?q=1#section'>x</a><a href='#top'>top</a>");
  EXPECT_THAT(UrlsOf(page.links),
              ElementsAre("https://x.org/p?q=1", "https://www.example.com/blog/post.html"));
  EXPECT_FALSE(page.links[1].is_backlink);
}

TEST_F(LinkExtractorTest, HostIsLowerCasedAndPunycoded) {
  const std::vector<Link> links = LinksOf("<a href='HTTPS://WWW.Bücher.DE/Path'>b</a>");
  ASSERT_THAT(links, SizeIs(1));
  EXPECT_EQ(links[0].url, "https://www.xn--bcher-kva.de/Path");
  EXPECT_EQ(links[0].host, "www.xn--bcher-kva.de");
  EXPECT_EQ(links[0].registrable_domain, "xn--bcher-kva.de");
}

TEST_F(LinkExtractorTest, AnchorTextIsCollapsedTextOrImageAlt) {
  const std::vector<Link> links = LinksOf(
      "<a href='https://a.org/'>  Hello \n <b>big</b>\tworld&nbsp;</a>"
      "<a href='https://b.org/'> <img src='logo.png' alt=' Logo  Inc '> </a>"
      "<a href='https://c.org/'><img src='spacer.gif'></a>"
      "<a href='https://d.org/'>Read <img alt='ignored'> more</a>"
      "<map><area href='https://e.org/' alt='Region'></map>");
  ASSERT_THAT(links, SizeIs(5));
  EXPECT_EQ(links[0].anchor_text, "Hello big world");
  EXPECT_EQ(links[0].anchor_kind, AnchorKind::kText);
  EXPECT_EQ(links[1].anchor_text, "Logo Inc");
  EXPECT_EQ(links[1].anchor_kind, AnchorKind::kImage);
  EXPECT_EQ(links[2].anchor_text, "");
  EXPECT_EQ(links[2].anchor_kind, AnchorKind::kEmpty);
  EXPECT_EQ(links[3].anchor_text, "Read more");
  EXPECT_EQ(links[3].anchor_kind, AnchorKind::kText);
  EXPECT_EQ(links[4].anchor_text, "Region");
  EXPECT_EQ(links[4].anchor_kind, AnchorKind::kImage);
}

TEST_F(LinkExtractorTest, RelIsSplitIntoLowerCaseTokens) {
  const std::vector<Link> links = LinksOf(
      "<a href='https://a.org/' rel=' NoFollow\tUGC\n sponsored '>a</a><a href='https://b.org/'>b</a>");
  ASSERT_THAT(links, SizeIs(2));
  EXPECT_THAT(links[0].rel, ElementsAre("nofollow", "ugc", "sponsored"));
  EXPECT_THAT(links[1].rel, IsEmpty());
}

TEST_F(LinkExtractorTest, RegionComesFromTheNearestMarkedAncestor) {
  const std::vector<Link> links = LinksOf(
      "<nav><a href='https://r.org/0'>0</a></nav>"
      "<div role='navigation'><a href='https://r.org/1'>1</a></div>"
      "<header><a href='https://r.org/2'>2</a></header>"
      "<div role='banner'><a href='https://r.org/3'>3</a></div>"
      "<footer><a href='https://r.org/4'>4</a></footer>"
      "<div role='contentinfo'><a href='https://r.org/5'>5</a></div>"
      "<aside><a href='https://r.org/6'>6</a></aside>"
      "<div role='complementary'><a href='https://r.org/7'>7</a></div>"
      "<ol><li class='comment'><div class='comment-content'><p><a href='https://r.org/8'>8</a></div></ol>"
      "<div id='disqus_thread'><a href='https://r.org/9'>9</a></div>"
      "<div class='left Sidebar'><a href='https://r.org/10'>10</a></div>"
      "<div class='widget_text'><a href='https://r.org/11'>11</a></div>"
      "<nav><div class='widget'><a href='https://r.org/12'>12</a></div></nav>"
      "<div class='sidebar'><nav><a href='https://r.org/13'>13</a></nav></div>"
      "<footer></footer><main><article><p><a href='https://r.org/14'>14</a></article></main>"
      // An aside only says "beside the content": a class or id that marks more wins there, not elsewhere.
      "<aside class='ad-unit'><p class='ad-label'>Sponsored links</p><a href='https://r.org/15'>15</a></aside>"
      "<div role='complementary' id='comments'><a href='https://r.org/16'>16</a></div>"
      "<aside class='widget'><a href='https://r.org/17'>17</a></aside>"
      "<nav class='sponsored'><a href='https://r.org/18'>18</a></nav>");
  ASSERT_THAT(links, SizeIs(19));
  const std::vector<Region> expected = {
      Region::kNavigation, Region::kNavigation, Region::kHeader,    Region::kHeader,   Region::kFooter,
      Region::kFooter,     Region::kSidebar,    Region::kSidebar,   Region::kComments, Region::kComments,
      Region::kSidebar,    Region::kSidebar,    Region::kSidebar,   Region::kNavigation, Region::kContent,
      Region::kSponsored,  Region::kComments,   Region::kSidebar,   Region::kNavigation};
  for (std::size_t i = 0; i < links.size(); ++i) {
    EXPECT_EQ(links[i].region, expected[i]) << "link " << i << " got " << ToString(links[i].region);
  }
}

TEST_F(LinkExtractorTest, StructuralMarksInsideCommentsAndSponsorBlocksKeepThatRegion) {
  const std::vector<Link> links = LinksOf(
      "<ol class='commentlist'><li class='comment'><footer class='comment-meta'>"
      "<a href='https://commenter.net/'>Commenter</a></footer></li></ol>"
      "<div class='sponsored'><aside><a href='https://sponsor.net/'>Sponsor</a></aside></div>"
      "<div class='sponsored'><div class='comments'><a href='https://reply.net/'>Reply</a></div></div>");
  ASSERT_THAT(links, SizeIs(3));
  EXPECT_EQ(links[0].region, Region::kComments);
  EXPECT_EQ(links[1].region, Region::kSponsored);
  EXPECT_EQ(links[2].region, Region::kComments);
}

// Attributes are recognised by the ids lexbor gives their names, whatever their case in the markup, on
// HTML and SVG elements alike; a page that never uses a name has no id for it, and no attribute matches.
TEST_F(LinkExtractorTest, AttributesAreRecognisedWhateverTheirCaseAndElement) {
  const ExtractedPage page = Extract(
      "<HTML LANG=' nl '><HEAD><META NAME='Robots' CONTENT='NOFOLLOW'></HEAD><BODY>"
      "<DIV ROLE='navigation' CLASS='x' ID='y'><A HREF='https://a.org/0' REL='NoFollow Sponsored'>0</A></DIV>"
      "<P ARIA-HIDDEN='true'><A HREF='https://a.org/1'>1</A></P>"
      "<A HREF='https://a.org/2' HIDDEN>2</A>"
      "<A HREF='https://a.org/3' STYLE='DISPLAY:NONE'>3</A>"
      "<A HREF='https://a.org/4'><IMG SRC='x.png' ALT=' logo '></A>"
      "<svg><a href='https://a.org/5' rel='ugc'><text>5</text></a></svg>"
      "<INS DATA-AD-CLIENT='ca-pub-1234567890123456'></INS></BODY></HTML>");
  EXPECT_EQ(page.page.lang, "nl");
  EXPECT_TRUE(page.page.nofollow);
  EXPECT_THAT(page.page.site.tracking_ids, ElementsAre("ca-pub-1234567890123456"));
  ASSERT_THAT(page.links, SizeIs(6));
  EXPECT_EQ(page.links[0].region, Region::kNavigation);
  EXPECT_THAT(page.links[0].rel, ElementsAre("nofollow", "sponsored"));
  EXPECT_FALSE(page.links[0].hidden);
  EXPECT_TRUE(page.links[1].hidden);
  EXPECT_TRUE(page.links[2].hidden);
  EXPECT_TRUE(page.links[3].hidden);
  EXPECT_EQ(page.links[4].anchor_text, "logo");
  EXPECT_EQ(page.links[4].anchor_kind, AnchorKind::kImage);
  EXPECT_THAT(page.links[5].rel, ElementsAre("ugc"));
  EXPECT_EQ(page.links[5].anchor_text, "5");

  const ExtractedPage plain = Extract("<p><a href='https://b.org/'>no rel, role or hidden anywhere</a></p>");
  ASSERT_THAT(plain.links, SizeIs(1));
  EXPECT_THAT(plain.links[0].rel, IsEmpty());
  EXPECT_FALSE(plain.links[0].hidden);
  EXPECT_EQ(plain.links[0].region, Region::kContent);
}

TEST_F(LinkExtractorTest, HiddenByAttributeAriaOrInlineStyleOnTheLinkOrAnAncestor) {
  const std::vector<Link> links = LinksOf(
      "<a href='https://h.org/0' hidden>0</a>"
      "<a href='https://h.org/1' aria-hidden=' TRUE '>1</a>"
      "<a href='https://h.org/2' style='display:none'>2</a>"
      "<a href='https://h.org/3' style='color: red ; DISPLAY :\n None !important'>3</a>"
      "<a href='https://h.org/4' style='visibility: hidden'>4</a>"
      "<div style='font-size:1px;display:none'><p><span><a href='https://h.org/5'>5</a></span></p></div>"
      "<section hidden><a href='https://h.org/6'>6</a></section>"
      "<a href='https://v.org/0' style='display:block'>visible</a>"
      "<a href='https://v.org/1' aria-hidden='false'>visible</a>"
      "<a href='https://v.org/2' style='display:none; display:inline'>visible</a>"
      "<a href='https://v.org/3' style='{{broken'>visible</a>"
      "<div style='display:none'></div><a href='https://v.org/4'>after a hidden sibling</a>");
  ASSERT_THAT(links, SizeIs(12));
  for (const Link& link : links) {
    EXPECT_EQ(link.hidden, link.host == "h.org") << link.url;
  }
}

TEST_F(LinkExtractorTest, SnippetIsTheEnclosingBlockBoundedAroundTheAnchor) {
  std::string filler;
  for (int i = 0; i < 100; ++i) filler += "word" + std::to_string(i) + " ";
  const std::string long_paragraph =
      "<p>" + filler + "<a href='https://s.org/c'>MIDDLE</a> " + filler + "</p>";
  const std::string multibyte_paragraph =
      "<p>" + filler + "<a href='https://s.org/d'>ÜBER ÜBER ÜBER</a> é" + filler + "</p>";
  const std::vector<Link> links = LinksOf(
      "<div><p>Before text. See <a href='https://s.org/a'>the <em>source</em></a> for details.</p>"
      "<p>Unrelated paragraph.</p></div>"
      "<ul><li>Item one <a href='https://s.org/b'>b</a></li><li>Item two</li></ul>" +
      long_paragraph + multibyte_paragraph);
  ASSERT_THAT(links, SizeIs(4));
  EXPECT_EQ(links[0].snippet, "Before text. See the source for details.");
  EXPECT_EQ(links[1].snippet, "Item one b");
  EXPECT_THAT(links[2].snippet, HasSubstr("word99 MIDDLE word0"));
  EXPECT_LE(links[2].snippet.size(), 300u);
  EXPECT_GE(links[2].snippet.size(), 250u);
  EXPECT_THAT(links[2].snippet, Not(HasSubstr("word50 ")));
  EXPECT_THAT(links[3].snippet, HasSubstr("ÜBER ÜBER ÜBER"));
}

TEST_F(LinkExtractorTest, PageFacts) {
  CrawledPage page;
  page.url = "HTTPS://WWW.Example.COM:443/a/../post?x=1#frag";
  page.fetched_at = "2024-05-01T12:00:00Z";
  page.html =
      "<!doctype html><html lang=' en-GB '><head><title>\n  A   Title\t</title>"
      "<meta name='ROBOTS' content='NoIndex, NoFollow'><meta name='robots' content='all'></head>"
      "<body><a href='https://out.org/'>out</a></body></html>";
  Result<ExtractedPage> result = extractor_.Extract(page);
  ASSERT_TRUE(result.ok()) << result.failure().reason;
  const PageFacts& facts = result.value().page;
  EXPECT_EQ(facts.url, "https://www.example.com/post?x=1");
  EXPECT_EQ(facts.host, "www.example.com");
  EXPECT_EQ(facts.registrable_domain, "example.com");
  EXPECT_EQ(facts.title, "A Title");
  EXPECT_EQ(facts.lang, "en-GB");
  EXPECT_EQ(facts.meta_robots, "noindex, nofollow");
  EXPECT_EQ(facts.fetched_at, "2024-05-01T12:00:00Z");
  EXPECT_EQ(facts.outbound_links, 1);
}

TEST_F(LinkExtractorTest, PagesWithoutHtmlUseThePreExtractedLinks) {
  CrawledPage page;
  page.url = "https://news.example.co.uk/story/1";
  page.links = {{"/story/2", "  Next\n story ", "NEXT"},
                {"https://partner.org/offer#buy", "Great offer", "sponsored nofollow"},
                {"mailto:desk@example.co.uk", "mail", ""},
                {"https://other.example.co.uk/", "", ""}};
  Result<ExtractedPage> result = extractor_.Extract(page);
  ASSERT_TRUE(result.ok()) << result.failure().reason;
  const ExtractedPage& extracted = result.value();
  EXPECT_EQ(extracted.page.registrable_domain, "example.co.uk");
  EXPECT_EQ(extracted.page.outbound_links, 1);
  ASSERT_THAT(extracted.links, SizeIs(3));

  EXPECT_EQ(extracted.links[0].url, "https://news.example.co.uk/story/2");
  EXPECT_FALSE(extracted.links[0].is_backlink);
  EXPECT_EQ(extracted.links[0].anchor_text, "Next story");
  EXPECT_EQ(extracted.links[0].anchor_kind, AnchorKind::kText);
  EXPECT_THAT(extracted.links[0].rel, ElementsAre("next"));

  EXPECT_EQ(extracted.links[1].url, "https://partner.org/offer");
  EXPECT_TRUE(extracted.links[1].is_backlink);
  EXPECT_THAT(extracted.links[1].rel, ElementsAre("sponsored", "nofollow"));
  EXPECT_EQ(extracted.links[1].position, 1);

  EXPECT_EQ(extracted.links[2].anchor_kind, AnchorKind::kEmpty);
  EXPECT_FALSE(extracted.links[2].is_backlink);
  for (const Link& link : extracted.links) {
    EXPECT_EQ(link.region, Region::kContent);
    EXPECT_FALSE(link.hidden);
    EXPECT_EQ(link.snippet, "");
  }
}

TEST_F(LinkExtractorTest, UnparseablePageUrlIsAnExtractFailureNamingIt) {
  CrawledPage page;
  page.url = "http://exa mple.com/";
  page.html = "<a href='https://x.org/'>x</a>";
  Result<ExtractedPage> result = extractor_.Extract(page);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.failure().stage, "extract");
  EXPECT_THAT(result.failure().reason, HasSubstr("http://exa mple.com/"));
}

TEST_F(LinkExtractorTest, HostileMarkupNeitherCrashesNorLosesLinks) {
  // Deep enough to overflow the stack of a recursive walk (<span> keeps lexbor's own parse linear).
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<span>";
  deep += "<a href='https://deep.org/'>deep</a>";
  EXPECT_THAT(UrlsOf(LinksOf(deep)), ElementsAre("https://deep.org/"));

  const std::vector<Link> broken = LinksOf(
      "<a href='https://one.org/'>one<a href='https://two.org/'>two</a><table><a href=https://three.org/>3"
      "<td><p><a href=\"https://four.org/\x01\xff\">four");
  EXPECT_THAT(broken, SizeIs(4));
  EXPECT_EQ(broken[0].anchor_text, "one");
  using std::string_literals::operator""s;
  EXPECT_THAT(Extract("\0\0<a href='https://nul.org/'>\0</a>"s).links, SizeIs(1));
}

TEST_F(LinkExtractorTest, OtherSchemesAreCountedNotListed) {
  const ExtractedPage page = Extract(
      "<body><a href='mailto:a@example.com'>mail</a><a href='javascript:void(0)'>js</a>"
      "<a href='JavaScript:go()'>js</a><a href='tel:+123'>call</a><a href='ftp://f.example.net/'>ftp</a>"
      "<a href='https://other.org/'>web</a></body>");
  EXPECT_THAT(UrlsOf(page.links), ElementsAre("https://other.org/"));
  EXPECT_EQ(page.page.other_schemes,
            (std::map<std::string, int>{{"ftp", 1}, {"javascript", 2}, {"mailto", 1}, {"tel", 1}}));
  EXPECT_TRUE(page.page.site.has_contact);
}

TEST_F(LinkExtractorTest, SubdomainsCanCountAsOtherSites) {
  Result<RegistrableDomains> domains = RegistrableDomains::LoadSystem();
  ASSERT_TRUE(domains.ok());
  LinkExtractor::Options options;
  options.subdomains_are_internal = false;
  const LinkExtractor by_host(std::move(domains).value(), options);
  CrawledPage page;
  page.url = "https://www.example.com/";
  page.html = "<a href='https://blog.example.com/'>blog</a><a href='/x'>x</a><a href='https://other.org/'>o</a>";
  const ExtractedPage extracted = by_host.Extract(page).value();
  ASSERT_THAT(extracted.links, SizeIs(3));
  EXPECT_TRUE(extracted.links[0].is_backlink);
  EXPECT_FALSE(extracted.links[1].is_backlink);
  EXPECT_TRUE(extracted.links[2].is_backlink);
  EXPECT_EQ(extracted.page.outbound_links, 2);
  EXPECT_EQ(extracted.page.external_domains, 2);
}

TEST_F(LinkExtractorTest, CommentSignatureRelatedAndSponsoredRegions) {
  const std::vector<Link> links = LinksOf(
      "<ol class='commentlist'><li><a href='https://a.net/'>a</a></li></ol>"
      "<div class='postsig'><a href='https://b.net/'>b</a></div>"
      "<div class='related-posts'><a href='https://c.net/'>c</a></div>"
      "<div id='header-ad'><a href='https://d.net/'>d</a></div>"
      "<div class='shadow'><a href='https://e.net/'>e</a></div>"
      "<div class='widget'><a href='https://f.net/'>f</a></div>");
  ASSERT_THAT(links, SizeIs(6));
  EXPECT_EQ(links[0].region, Region::kComments);
  EXPECT_EQ(links[1].region, Region::kComments);
  EXPECT_EQ(links[2].region, Region::kRelated);
  EXPECT_EQ(links[3].region, Region::kSponsored);
  EXPECT_EQ(links[4].region, Region::kContent);
  EXPECT_EQ(links[5].region, Region::kSidebar);
}

TEST_F(LinkExtractorTest, CssHidingOnTheLinkOrAnAncestor) {
  const std::vector<Link> links = LinksOf(
      "<div style='font-size:0'><p><a href='https://a.net/'>a</a></p></div>"
      "<a style='text-indent:-9999px' href='https://b.net/'>b</a>"
      "<span style='position:absolute;left:-3000px'><a href='https://c.net/'>c</a></span>"
      "<div style='opacity:0'><a href='https://d.net/'>d</a></div>"
      "<div style='height:0;overflow:hidden'><a href='https://e.net/'>e</a></div>"
      "<a href='https://f.net/' style='position:absolute;left:10px'>f</a>");
  ASSERT_THAT(links, SizeIs(6));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(links[i].hidden) << links[i].url;
  EXPECT_FALSE(links[5].hidden);
}

TEST_F(LinkExtractorTest, PageFactsFromHeadAndHeaders) {
  CrawledPage page;
  page.url = "https://www.example.com/post?utm=1";
  page.headers = {{"Content-Type", "text/html"}, {"x-robots-tag", "googlebot: noindex, nofollow"}};
  page.html =
      "<html><head><title>Hiking the Alps</title><link rel='Canonical' href='/post#top'>"
      "<script>ga('create','UA-1234567-1');</script>"
      "<script async src='https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ'></script></head>"
      "<body><h1>Alps hiking guide</h1><p>Hiking in the alps is hiking at its best. "
      "<a href='https://maps.other.org/'>maps</a> and <a href='/contact-us'>write</a>.</p>"
      "<ins class='adsbygoogle' data-ad-client='ca-pub-1234567890123456'></ins></body></html>";
  const ExtractedPage extracted = extractor_.Extract(page).value();
  const PageFacts& facts = extracted.page;
  EXPECT_EQ(facts.canonical_url, "https://www.example.com/post");
  EXPECT_TRUE(facts.site.has_canonical);
  EXPECT_TRUE(facts.site.https);
  EXPECT_TRUE(facts.site.has_contact);
  EXPECT_TRUE(facts.nofollow);
  EXPECT_THAT(facts.site.tracking_ids, ElementsAre("UA-1234567-1", "G-ABC123XYZ", "ca-pub-1234567890123456"));
  EXPECT_EQ(facts.body_words, 15);
  EXPECT_NEAR(facts.link_text_ratio, 9.0 / 75.0, 1e-9);  // "maps" + "write" of the body text
  ASSERT_THAT(facts.main_terms, SizeIs(::testing::Ge(2u)));
  EXPECT_EQ(facts.main_terms[0], "hiking");
  EXPECT_EQ(facts.main_terms[1], "alps");
  EXPECT_EQ(facts.external_domains, 1);
}

TEST_F(LinkExtractorTest, MetaRobotsNoneMeansNofollow) {
  EXPECT_TRUE(Extract("<meta name=robots content='NONE'>").page.nofollow);
  EXPECT_FALSE(Extract("<meta name=robots content='noindex'>").page.nofollow);
  EXPECT_FALSE(Extract("<p>plain</p>").page.site.has_canonical);
}

TEST_F(LinkExtractorTest, PreExtractedLinksUseTheCrawlerBaseAndTitle) {
  CrawledPage page;
  page.url = "https://www.example.com/a/page";
  page.base_url = "/static/";
  page.title = "  Crawler   title ";
  page.links = {{.href = "x.html", .text = "x", .rel = ""}, {.href = "mailto:a@b.c", .text = "", .rel = ""}};
  const ExtractedPage extracted = extractor_.Extract(page).value();
  EXPECT_THAT(UrlsOf(extracted.links), ElementsAre("https://www.example.com/static/x.html"));
  EXPECT_EQ(extracted.page.title, "Crawler title");
  EXPECT_EQ(extracted.page.other_schemes.at("mailto"), 1);
}

TEST_F(LinkExtractorTest, UnlinkedMentionsOfWatchedNamesAndOnlyWatchedBacklinks) {
  Result<RegistrableDomains> domains = RegistrableDomains::LoadSystem();
  ASSERT_TRUE(domains.ok());
  const LinkExtractor watching(std::move(domains).value(), {.watch_domains = {"watched.org"},
                                                           .watch_brands = {"Acme"},
                                                           .only_watched = true});
  CrawledPage page;
  page.url = "https://www.example.com/";
  page.html =
      "<p>We like watched.org and ACME gadgets. <a href='https://watched.org/'>watched.org</a> "
      "<a href='https://other.net/'>Acme</a> <a href='/home'>home</a> <a href='https://acme.com/'>shop</a></p>";
  const ExtractedPage extracted = watching.Extract(page).value();
  ASSERT_THAT(extracted.mentions, SizeIs(2));
  EXPECT_EQ(extracted.mentions[0].term, "watched.org");
  EXPECT_EQ(extracted.mentions[0].position, 8);
  EXPECT_EQ(extracted.mentions[1].term, "Acme");
  EXPECT_THAT(extracted.mentions[1].snippet, HasSubstr("ACME gadgets"));
  EXPECT_THAT(UrlsOf(extracted.links),
              ElementsAre("https://watched.org/", "https://www.example.com/home", "https://acme.com/"));
  EXPECT_EQ(extracted.page.outbound_links, 3);
  EXPECT_THAT(Extract(page.html).mentions, IsEmpty());  // no watch list, no mentions
}

TEST_F(LinkExtractorTest, LimitsCutWorkAndAreReported) {
  Result<RegistrableDomains> domains = RegistrableDomains::LoadSystem();
  ASSERT_TRUE(domains.ok());
  LinkExtractor::Options options;
  options.max_page_bytes = 300;
  options.max_links = 2;
  options.max_depth = 4;
  options.max_anchor_chars = 5;
  const LinkExtractor limited(std::move(domains).value(), options);
  CrawledPage page;
  page.url = "https://www.example.com/";
  page.html = "<div class=comment><div><div><div><div style='display:none'><a href='https://a.net/'>"
              "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9</a></div></div></div></div></div>"
              "<a href='https://b.net/'>b</a><a href='https://c.net/'>c</a>";
  page.html += std::string(300, ' ') + "<a href='https://beyond.net/'>beyond</a>";
  const ExtractedPage extracted = limited.Extract(page).value();
  ASSERT_THAT(extracted.links, SizeIs(2));
  EXPECT_EQ(extracted.links[0].anchor_text, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_EQ(extracted.links[0].region, Region::kComments);  // from the ancestor within the limit
  EXPECT_FALSE(extracted.links[0].hidden);                  // beyond the depth limit
  EXPECT_TRUE(extracted.limits_hit.page_bytes);
  EXPECT_TRUE(extracted.limits_hit.links);
  EXPECT_TRUE(extracted.limits_hit.depth);
  EXPECT_TRUE(extracted.limits_hit.anchor_text);
  EXPECT_THAT(extracted.limits_hit.names(), ElementsAre("page_bytes", "links", "depth", "anchor_text"));
  EXPECT_FALSE(Extract("<a href='https://a.net/'>a</a>").limits_hit.any());
}

std::vector<int> TextCharsBefore(const std::vector<Link>& links) {
  std::vector<int> counts;
  for (const Link& link : links) counts.push_back(link.text_chars_before);
  return counts;
}

TEST_F(LinkExtractorTest, TextCharsBeforeCountsTheTextSinceThePreviousLink) {
  const std::vector<Link> links = LinksOf(
      "<p>Read this: <a href='https://a.net/'>A</a> <a href='https://b.net/'>B</a>"
      "<a href='https://c.net/'>C</a>, and caf\u00e9 <b>news</b> <a href='https://d.net/'>D</a></p>");
  // "Read this:", nothing (only the separating space), nothing, ", and café news" (é is one character).
  EXPECT_THAT(TextCharsBefore(links), ElementsAre(10, 0, 0, 15));
}

TEST_F(LinkExtractorTest, TextCharsBeforeSkipsTheHeadAndTheTextOfLinksToOtherSchemes) {
  const ExtractedPage page = Extract(
      "<html><head><title>A long title</title></head><body><a href='https://a.net/'>A</a> call"
      " <a href='mailto:me@example.com'>write to me</a> now<div><a href='https://b.net/'>B</a></div>"
      "<a href='/about'>about</a></body></html>");
  // The second link has "call" and "now" before it, not the mail link's text; the third has none.
  EXPECT_THAT(TextCharsBefore(page.links), ElementsAre(0, 7, 0));
}

TEST_F(LinkExtractorTest, HostileNestingIsCutAtTheDepthLimitAndThePageStillExtracts) {
  std::string html = "<body><nav>";
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "<a href='https://deep.net/'>deep</a>";
  for (int i = 0; i < 100000; ++i) html += "</div>";
  html += "</nav><p>Read <a href='https://after.net/'>after</a></p>";
  const ExtractedPage extracted = Extract(html);
  EXPECT_TRUE(extracted.limits_hit.depth);
  ASSERT_THAT(UrlsOf(extracted.links), ElementsAre("https://deep.net/", "https://after.net/"));
  EXPECT_EQ(extracted.links[0].region, Region::kNavigation);
  EXPECT_EQ(extracted.links[1].region, Region::kContent);  // the nested <div>s closed nothing above the limit
}

TEST_F(LinkExtractorTest, EveryCorpusPageExtracts) {
  const std::filesystem::path pages = BACKLINT_CORPUS_DIR "/pages";
  if (!std::filesystem::is_directory(pages)) GTEST_SKIP() << "corpus pages not found at " << pages;
  int files = 0;
  std::size_t links = 0, backlinks = 0;
  for (const auto& entry : std::filesystem::directory_iterator(pages)) {
    if (entry.path().extension() != ".html") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream html;
    html << in.rdbuf();
    CrawledPage page;
    page.url = "http://fakehost/test/page.html";
    page.html = html.str();
    Result<ExtractedPage> result = extractor_.Extract(page);
    ASSERT_TRUE(result.ok()) << entry.path() << ": " << result.failure().reason;
    ++files;
    links += result.value().links.size();
    backlinks += result.value().page.outbound_links;
  }
  EXPECT_EQ(files, 130);
  // 21,888 <a href> tags in all; the rest are mailto:, javascript: and the like.
  EXPECT_GT(links, 10000u);
  EXPECT_LE(links, 21888u);
  EXPECT_GT(backlinks, 5000u);
}


using HeadingsByHost = std::map<std::string, std::string>;

// The section heading of each link, by target host.
HeadingsByHost SectionHeadingsOf(const std::vector<Link>& links) {
  HeadingsByHost headings;
  for (const Link& link : links) headings[link.host] = link.section_heading;
  return headings;
}

TEST_F(LinkExtractorTest, SectionHeadingOfAHeadedSponsorAside) {
  const std::vector<Link> links = LinksOf(
      "<main><article><header><h1>Ten alpine huts worth the climb</h1></header>"
      "<p>Start at the <a href='https://alpenverein.example/'>Alpine Club</a>.</p>"
      "<h2>Getting  there\n</h2><p>Trains run from <a href='https://sbb.example/'>Zurich</a>.</p>"
      "</article></main>"
      "<aside class='widget'><h3>Our <em>Sponsors</em></h3><ul>"
      "<li><a href='https://gear.example/'>Summit Gear</a></li>"
      "<li><div class='logo'><a href='https://boots.example/'>Boot Co</a></div></li></ul></aside>");
  EXPECT_EQ(SectionHeadingsOf(links),
            (HeadingsByHost{// An article's <h1> sits in its <header> and still heads the article ...
                            {"alpenverein.example", "Ten alpine huts worth the climb"},
                            // ... but titles the page, so it does not precede the <h2> under it.
                            {"sbb.example", "Getting there"},
                            {"gear.example", "Our Sponsors"},
                            {"boots.example", "Our Sponsors"}}));
}

TEST_F(LinkExtractorTest, SectionHeadingDoesNotLeakFromAPreviousSection) {
  const std::vector<Link> links = LinksOf(
      "<section><h2>Sponsored</h2><p><a href='https://ad.example/'>ad</a></p></section>"
      "<section><p>Read the <a href='https://report.example/'>report</a>.</p></section>"
      "<div class='sidebar'><h3>Partners</h3></div><p><a href='https://after-widget.example/'>x</a></p>"
      "<blockquote><h2>Quoted heading</h2></blockquote><p><a href='https://after-quote.example/'>y</a></p>"
      "<h2>Further reading</h2><p><a href='https://book.example/'>a book</a></p>");
  EXPECT_EQ(SectionHeadingsOf(links), (HeadingsByHost{{"ad.example", "Sponsored"},
                                                      {"report.example", ""},
                                                      {"after-widget.example", ""},
                                                      {"after-quote.example", ""},
                                                      {"book.example", "Further reading"}}));
}

TEST_F(LinkExtractorTest, SectionHeadingOfNestedSectionsAndTiers) {
  const std::vector<Link> links = LinksOf(
      "<section id='sponsors'><h2>Sponsors</h2>"
      "<h3>Gold</h3><p><a href='https://gold.example/'>Gold Co</a></p>"
      "<section class='tier'><h4>Silver</h4><p><a href='https://silver.example/'>Silver Co</a></p></section>"
      "<section class='tier'><p><a href='https://unheaded.example/'>Card</a></p></section>"
      "<p><a href='https://after-tiers.example/'>Also Gold</a></p>"
      "<h2>Community</h2><p><a href='https://community.example/'>Meetup</a></p></section>"
      "<h2><a href='https://in-heading.example/'>Linked heading</a></h2>");
  EXPECT_EQ(SectionHeadingsOf(links),
            (HeadingsByHost{{"gold.example", "Sponsors › Gold"},
                            // A nested section starts with the headings around it; its own end with it.
                            {"silver.example", "Gold › Silver"},
                            {"unheaded.example", "Sponsors › Gold"},
                            {"after-tiers.example", "Sponsors › Gold"},
                            // A heading of higher rank ends the lower ones under it.
                            {"community.example", "Community"},
                            // A link inside a heading is read before its heading ends.
                            {"in-heading.example", ""}}));
}

TEST_F(LinkExtractorTest, SectionHeadingOfDivLayoutsEndsWithTheBlockItHeads) {
  const std::vector<Link> links = LinksOf(
      "<h1>Home Improvement</h1>"
      "<div class='featured'><h3>Featured listings</h3>"
      "<div class='listing'><a href='https://paid.example/'>Paid</a></div></div>"
      "<div class='listings'><div class='listing'><a href='https://free.example/'>Free</a></div></div>"
      // Page builders wrap a heading in blocks of its own; the heading still heads what follows.
      "<div class='col'><div class='title-wrap'><div class='container'><h2>Our sponsors</h2></div></div>"
      "<div class='logos'><a href='https://logo.example/'><img alt='Logo'></a></div></div>"
      "<p><a href='https://after-col.example/'>after</a></p>"
      // A wrapper with a link after its heading is a block, not a wrapper.
      "<div class='box'><div class='box-head'><h2>Partners</h2><a href='https://join.example/'>Join</a></div>"
      "<p><a href='https://member.example/'>member</a></p></div>");
  EXPECT_EQ(SectionHeadingsOf(links), (HeadingsByHost{{"paid.example", "Featured listings"},
                                                      {"free.example", "Home Improvement"},
                                                      {"logo.example", "Our sponsors"},
                                                      {"after-col.example", "Home Improvement"},
                                                      {"join.example", "Partners"},
                                                      {"member.example", "Home Improvement"}}));
}

TEST_F(LinkExtractorTest, SectionHeadingIsBoundedAndAbsentForCrawlerLinks) {
  std::string long_heading;
  for (int i = 0; i < 40; ++i) long_heading += "Ü" + std::to_string(i) + " ";
  const std::vector<Link> links =
      LinksOf("<h2>" + long_heading + "</h2><h3>" + long_heading + "</h3><p><a href='https://l.example/'>l</a>");
  ASSERT_THAT(links, SizeIs(1));
  EXPECT_EQ(Utf8Length(links[0].section_heading), 60 + 3 + 60);
  EXPECT_THAT(links[0].section_heading, HasSubstr(" › Ü0 Ü1 "));

  CrawledPage page;
  page.url = "https://www.example.com/";
  page.links = {{.href = "https://crawled.example/", .text = "Sponsors", .rel = ""}};
  Result<ExtractedPage> crawled = extractor_.Extract(page);
  ASSERT_TRUE(crawled.ok());
  ASSERT_THAT(crawled.value().links, SizeIs(1));
  EXPECT_EQ(crawled.value().links[0].section_heading, "");
}

// Everything extraction found on a page, as one comparable text.
std::string Summary(const ExtractedPage& page) {
  std::ostringstream out;
  const PageFacts& facts = page.page;
  out << facts.url << '|' << facts.title << '|' << facts.lang << '|' << facts.meta_robots << '|'
      << facts.canonical_url << '|' << facts.nofollow << facts.outbound_links << '|' << facts.external_domains
      << '|' << facts.body_words << '|' << facts.link_text_ratio << '|' << page.limits_hit.any() << '\n';
  for (const auto& [scheme, count] : facts.other_schemes) out << scheme << '=' << count << ' ';
  for (const std::string& term : facts.main_terms) out << term << ' ';
  for (const std::string& id : facts.site.tracking_ids) out << id << ' ';
  out << '\n';
  for (const Link& link : page.links) {
    out << link.position << ' ' << link.url << ' ' << link.registrable_domain << ' ' << link.is_backlink << ' '
        << link.anchor_text << '|' << ToString(link.anchor_kind) << '|' << link.snippet << '|'
        << ToString(link.region) << ' ' << link.hidden << ' ' << link.text_chars_before << ' '
        << link.section_heading << '|';
    for (const std::string& rel : link.rel) out << rel << ',';
    out << '\n';
  }
  for (const Mention& mention : page.mentions) out << mention.term << ' ' << mention.position << '\n';
  return out.str();
}

// Documents are cleaned and reused from page to page (and shared by copies of an extractor across
// threads): nothing of one page may show in the next, so each page extracts as by a fresh extractor.
TEST_F(LinkExtractorTest, RepeatedAndEmptyHrefsResolveAlikeHoweverManyThePageHas) {
  // Each distinct href is resolved once a page: a table that grows as hrefs come, from HTML and from the
  // crawler alike. An empty href is the base itself.
  std::string body = "<a href=''>self</a> <a>no href</a> <a href=''>self again</a>";
  std::vector<std::string> expected = {"https://www.example.com/blog/post.html",
                                       "https://www.example.com/blog/post.html"};
  CrawledPage crawled;
  crawled.url = "https://www.example.com/blog/post.html";
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 300; ++i) {
      body += "<a href='/p" + std::to_string(i) + "'>p</a>";
      expected.push_back("https://www.example.com/p" + std::to_string(i));
      crawled.links.push_back({.href = "https://other.org/" + std::to_string(i % 150), .text = "", .rel = ""});
    }
  }
  EXPECT_EQ(UrlsOf(LinksOf(body)), expected);
  Result<ExtractedPage> from_crawler = extractor_.Extract(crawled);
  ASSERT_TRUE(from_crawler.ok());
  ASSERT_THAT(from_crawler.value().links, SizeIs(600));
  for (std::size_t i = 0; i < 600; ++i) {
    EXPECT_EQ(from_crawler.value().links[i].url, "https://other.org/" + std::to_string(i % 150)) << i;
  }
}

TEST_F(LinkExtractorTest, ReusedDocumentsCarryNothingFromPageToPage) {
  const std::vector<std::string> pages = {
      "<html lang=de><head><title>Erste</title><base href='https://base.example/dir/'>"
      "<link rel=canonical href='/kanon'><meta name=robots content=nofollow></head><body>"
      "<nav role=navigation class='menu widget'><h2>Menü</h2><a href='x' rel='sponsored' custom-attr=1>x</a>"
      "</nav><div style='display:none' data-x=1><a href='https://h.example/'>hidden</a></div>"
      "<script>gtag('config', 'G-AB12CD34EF');</script><a href='mailto:a@b.example'>mail</a></body></html>",
      "<p>Second page: <a href='relative'>relative to the page URL, not the last base</a> and "
      "<a href='https://other.example/'>other</a></p>",
      "<table><tr><td><a href='https://t.example/'><img alt='logo'></a></td></tr></table><svg><a href='/s'>s</a></svg>",
      "<p>no links at all</p>",
      "<!doctype html><body><section><h1>Title</h1><h2>Part</h2><p><a href='/p' rel='ugc nofollow'>p</a>"};
  std::vector<std::string> expected;
  for (const std::string& html : pages) {
    CrawledPage page;
    page.url = "https://www.example.com/blog/post.html";
    page.html = html;
    expected.push_back(Summary(MakeExtractor().Extract(page).value()));  // a new extractor, a new document
  }
  const auto extract_all = [&](const LinkExtractor& extractor) {
    for (int round = 0; round < 20; ++round) {
      for (std::size_t i = 0; i < pages.size(); ++i) {
        CrawledPage page;
        page.url = "https://www.example.com/blog/post.html";
        page.html = pages[i];
        Result<ExtractedPage> extracted = extractor.Extract(page);
        ASSERT_TRUE(extracted.ok());
        ASSERT_EQ(Summary(extracted.value()), expected[i]) << "page " << i << ", round " << round;
      }
    }
  };
  extract_all(extractor_);
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) threads.emplace_back(extract_all, std::cref(extractor_));
  for (std::thread& thread : threads) thread.join();
}

TEST_F(LinkExtractorTest, ATableCaptionHeadsTheTableAndNothingAfterIt) {
  const std::vector<Link> links = LinksOf(
      "<h2>Horoskop</h2><table class='ads'><caption>Anzeigen</caption>"
      "<tr><td><a href='https://in-table.example/'>Kredit</a></td></tr></table>"
      "<p><a href='https://after-table.example/'>after</a></p>"
      "<table><caption>Results <a href='https://in-caption.example/'>source</a></caption>"
      "<tr><th><h3>Club</h3></th><td><a href='https://in-cell.example/'>club</a></td></tr></table>");
  EXPECT_EQ(SectionHeadingsOf(links),
            (HeadingsByHost{// a caption ranks below every <hN>: the heading above it comes first
                            {"in-table.example", "Horoskop › Anzeigen"},
                            {"after-table.example", "Horoskop"},
                            // a link inside a caption is read before the caption ends, like one in a heading
                            {"in-caption.example", "Horoskop"},
                            // a heading inside a cell heads that cell only
                            {"in-cell.example", "Horoskop › Results source"}}));
}

// One field of each link, by target host.
template <typename Value>
std::map<std::string, Value> ByHost(const std::vector<Link>& links, Value Link::*field) {
  std::map<std::string, Value> values;
  for (const Link& link : links) values[link.host] = link.*field;
  return values;
}
using LabelsByHost = std::map<std::string, std::string>;

TEST_F(LinkExtractorTest, ArticleLabelIsTheLinklessLinesAboveTheArticlesFirstBacklink) {
  const std::vector<Link> links = LinksOf(
      "<div class='strip'><span>Reklama</span> <a href='https://outside.example/'>Alza</a></div>"
      "<main><article><div class='cat'><a href='/category/loans/'>Loans</a></div>"
      "<p class='label'>Komerční <b>sdělení</b></p><h1>Loans before Christmas</h1>"
      "<div class='perex'><p>What to watch out for.</p></div>"
      "<p style='display:none'>hidden line</p>"
      "<p>The <a href='https://cnb.example/'>central bank</a> says so.</p>"
      "<p>A short paragraph after the first backlink.</p>"
      "<p>Borrow at <a href='https://lender.example/'>quick loans</a>.</p></article>"
      // outside the article, the main's own lines count for the main's links
      "<p>Advertisement</p><p><a href='https://in-main.example/'>next story</a></p></main>"
      "<p>Sponsored</p><p><a href='https://in-body.example/'>body link</a></p>");
  EXPECT_EQ(ByHost(links, &Link::article_label),
            (LabelsByHost{// only an <article> or <main> has label lines, and only backlinks carry them
                          {"www.example.com", ""},
                          {"outside.example", ""},
                          // short blocks with no link, not headings or hidden ones, before the first backlink
                          {"cnb.example", "Komerční sdělení | What to watch out for."},
                          // every backlink of the article shares them, later lines are its text
                          {"lender.example", "Komerční sdělení | What to watch out for."},
                          {"in-main.example", "Advertisement"},
                          {"in-body.example", ""}}));
}

TEST_F(LinkExtractorTest, ArticleLabelSkipsProseAndIsBounded) {
  const std::string prose(200, 'x');
  std::string many_lines;
  for (int i = 0; i < 12; ++i) many_lines += "<p>Line " + std::to_string(i) + " " + std::string(40, 'y') + "</p>";
  const std::vector<Link> links = LinksOf(
      "<article><p>" + prose + "</p><p>Sponsored content</p><p><a href='https://a.example/'>a</a></p></article>"
      "<article>" + many_lines + "<p><a href='https://b.example/'>b</a></p></article>");
  const LabelsByHost labels = ByHost(links, &Link::article_label);
  // a paragraph longer than a line is the article's text, not a label
  EXPECT_EQ(labels.at("a.example"), "Sponsored content");
  // the first eight lines, cut to 300 characters
  EXPECT_EQ(Utf8Length(labels.at("b.example")), 300u);
  EXPECT_THAT(labels.at("b.example"), HasSubstr("Line 0 "));
  EXPECT_THAT(labels.at("b.example"), Not(HasSubstr("Line 8 ")));
}

TEST_F(LinkExtractorTest, ArticleLabelOfALinkInABoxIsTheBoxsOwn) {
  const std::vector<Link> links = LinksOf(
      "<main><article><div class='label-sponsored'>Partner content</div><h1>Solar roofs</h1>"
      "<p>Ask <a href='https://advertiser.example/'>Sunroof</a> for a quote.</p></article>"
      "<aside><p>Patrocinado</p><ul><li><a href='https://ad-one.example/'>seguros</a></li></ul></aside>"
      "<div class='sidebar'><p>About me</p><p><a href='https://friend.example/'>a friend</a></p>"
      "<div class='widget'><p><a href='https://counter.example/'>counter</a></p></div></div>"
      "<p><a href='https://in-main.example/'>more</a></p></main>");
  EXPECT_EQ(ByHost(links, &Link::article_label),
            (LabelsByHost{// a box that is itself the label line labels the article around it
                          {"advertiser.example", "Partner content"},
                          // an <aside>, a sidebar and a widget each open their own label lines ...
                          {"ad-one.example", "Patrocinado"},
                          {"friend.example", "About me"},
                          {"counter.example", ""},
                          // ... which the <main> around them does not read
                          {"in-main.example", ""}}));
}

TEST_F(LinkExtractorTest, ListItemLinksCountTheLinksOfTheInnermostListItem) {
  const std::vector<Link> links = LinksOf(
      "<ul><li><a href='https://alone.example/'>Atletiekunie</a></li>"
      "<li><a href='https://pair-a.example/'>a</a> <a href='mailto:x@example.org'>mail</a> "
      "<a href='https://pair-b.example/'>b</a></li>"
      "<li>Clubs<ul><li><a href='https://nested.example/'>club</a></li></ul>"
      "<a href='https://outer.example/'>outer</a></li></ul>"
      "<p><a href='https://prose.example/'>prose</a></p>");
  EXPECT_EQ(ByHost(links, &Link::list_item_links), (std::map<std::string, int>{// every scheme counts, as a reader sees links
                                                {"alone.example", 1},
                                                {"pair-a.example", 3},
                                                {"pair-b.example", 3},
                                                // a nested item's links are its own, not its parent's
                                                {"nested.example", 1},
                                                {"outer.example", 1},
                                                {"prose.example", 0}}));
}

TEST_F(LinkExtractorTest, ImageFromTargetMarksAWidgetImageTheLinkedSiteServes) {
  const std::vector<Link> links = LinksOf(
      "<a href='https://www.counter.example/'><img src='https://img1.counter.example/c.php?id=7'></a>"
      "<a href='https://seal.example/profile/x'><img src='//seal.example/badge.svg'></a>"
      "<a href='https://award.example/winners'><img src='/img/award.png' alt='Award'></a>"
      "<a href='https://cdn-host.example/'><img src='https://cdn.other.example/logo.png'></a>"
      "<a href='https://lookalike.example/'><img src='https://notlookalike.example/x.png'></a>"
      "<a href='https://text.example/'>text only</a>"
      "<a href='/own'><img src='https://www.example.com/own.png'></a>");
  EXPECT_EQ(ByHost(links, &Link::image_from_target), (std::map<std::string, bool>{// a subdomain of the target's registrable domain serves it
                                                      {"www.counter.example", true},
                                                      // a scheme-relative src names its host too
                                                      {"seal.example", true},
                                                      // the page's own picture, or another site's
                                                      {"award.example", false},
                                                      {"cdn-host.example", false},
                                                      {"lookalike.example", false},
                                                      {"text.example", false},
                                                      // internal links are not widgets of another site
                                                      {"www.example.com", false}}));
}

}  // namespace
}  // namespace backlint
