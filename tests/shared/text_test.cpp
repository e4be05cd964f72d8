// Unit tests of e-mail normalisation, HTML-to-text and base64.
#define BOOST_TEST_DYN_LINK
#include <boost/test/unit_test.hpp>

#include "ats/shared/base64.hpp"
#include "ats/shared/email.hpp"
#include "ats/shared/html_text.hpp"

#include <ats_plugin.hpp>

using namespace ats::shared;

BOOST_AUTO_TEST_SUITE(shared_email)

BOOST_AUTO_TEST_CASE(trim_and_case_fold) {
    BOOST_TEST(normalize_email(" Jane.Doe@Example.COM ") == "jane.doe@example.com");
    BOOST_TEST(normalize_email("\tJANE.DOE@EXAMPLE.COM\n") == "jane.doe@example.com");
    BOOST_TEST(normalize_email("\xC2\xA0jane@example.com\xC2\xA0") == "jane@example.com"); // NBSP
    BOOST_TEST(normalize_email("J\xC3\x9CRGEN@EXAMPLE.DE") == "j\xC3\xBCrgen@example.de"); // Ü -> ü
    BOOST_TEST(normalize_email("STRASSE@x.de") == normalize_email("strasse@X.DE"));
}

BOOST_AUTO_TEST_CASE(nfc_and_simple_case_mapping_not_folding) {
    BOOST_TEST(normalize_email("cafe\xCC\x81@x.fr") == "caf\xC3\xA9@x.fr"); // NFD -> NFC
    BOOST_TEST(normalize_email("stra\xC3\x9F"
                               "e@x.de") != normalize_email("strasse@x.de")); // ß is not ss
    BOOST_TEST(normalize_email("\xC5\xBF"
                               "am@x.org") == "\xC5\xBF"
                                              "am@x.org");           // long s stays
    BOOST_TEST(normalize_email("\xCF\x82@x.gr") == "\xCF\x82@x.gr"); // final sigma stays
    BOOST_TEST(normalize_email("\xE2\x84\xAA"
                               "elvin@x.org") == "kelvin@x.org"); // Kelvin sign: NFC K
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_not_an_address) {
    for (const char *raw : {"jane\xFF@x.com", "\xC0\xAF@x.com", "\xED\xA0\x80@x.com", "jane\xC3@x.com"})
        BOOST_TEST(normalize_email(raw).empty());
}

BOOST_AUTO_TEST_CASE(non_addresses_are_empty) {
    for (const char *raw : {"", "   ", "jane", "@example.com", "jane@", "a@b@c", "jane doe@example.com"})
        BOOST_TEST(normalize_email(raw).empty(), raw);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(shared_html_text)

BOOST_AUTO_TEST_CASE(paragraphs_breaks_lists_entities) {
    BOOST_TEST(html_to_text("<p>Hello <b>Jane</b>,</p><p>Call me&nbsp;at 5 &amp; bring CV.<br>Thanks</p>") ==
               "Hello Jane,\n\nCall me at 5 & bring CV.\nThanks");
    BOOST_TEST(html_to_text("<ul><li>one</li><li>two &lt;3&gt;</li></ul>") == "- one\n- two <3>");
    BOOST_TEST(html_to_text("caf&eacute; &#233; &#xE9; &copy;") == "caf&eacute; \xC3\xA9 \xC3\xA9 \xC2\xA9");
    BOOST_TEST(html_to_text("<div>a</div><div>b</div>") == "a\nb");
    BOOST_TEST(html_to_text("a<br><br>b") == "a\n\nb");
}

BOOST_AUTO_TEST_CASE(scripts_styles_comments_removed) {
    BOOST_TEST(html_to_text("<style>p{color:red}</style><script>alert('x<y')</script><!-- hidden -->Text") == "Text");
    BOOST_TEST(html_to_text("<HTML><HEAD><TITLE>t</TITLE></HEAD><BODY>Body</BODY></HTML>") == "Body");
}

BOOST_AUTO_TEST_CASE(whitespace_collapses) {
    BOOST_TEST(html_to_text("  a \n\n   b   <br>  c  ") == "a b\nc");
    BOOST_TEST(html_to_text("<p>a</p><p></p><p></p><p>b</p>") == "a\n\nb");
    BOOST_TEST(html_to_text("1 < 2 and 3 > 2") == "1 < 2 and 3 > 2");
}

BOOST_AUTO_TEST_CASE(note_text_by_content_type) {
    BOOST_TEST(note_text("<b>x</b> &amp; y", "text/html") == "x & y");
    BOOST_TEST(note_text("<b>x</b> &amp; y", "text/html; charset=utf-8") == "x & y");
    BOOST_TEST(note_text("  <b>kept</b>  ", "text/plain") == "<b>kept</b>");
    BOOST_TEST(note_text("plain", "") == "plain");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(shared_base64)

BOOST_AUTO_TEST_CASE(rfc4648_vectors) {
    const std::pair<const char *, const char *> vectors[] = {{"", ""},
                                                             {"f", "Zg=="},
                                                             {"fo", "Zm8="},
                                                             {"foo", "Zm9v"},
                                                             {"foob", "Zm9vYg=="},
                                                             {"fooba", "Zm9vYmE="},
                                                             {"foobar", "Zm9vYmFy"}};
    for (const auto &[plain, coded] : vectors) {
        BOOST_TEST(base64_encode(plain) == coded);
        BOOST_TEST(base64_decode(coded, "t") == plain);
    }
}

BOOST_AUTO_TEST_CASE(binary_round_trip_and_lenient_input) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    BOOST_TEST(base64_decode(base64_encode(bytes), "t") == bytes);
    BOOST_TEST(base64_decode("Zm9v\r\nYmFy", "t") == "foobar");           // MIME line breaks
    BOOST_TEST(base64_decode("Zm9vYg", "t") == "foob");                   // missing padding
    BOOST_TEST(base64_decode("-_8=", "t") == base64_decode("+/8=", "t")); // URL-safe alphabet
}

BOOST_AUTO_TEST_CASE(invalid_input_names_the_argument) {
    for (const char *bad : {"Zm9v!", "Z", "Zg==Zg=="}) {
        try {
            base64_decode(bad, "data_base64");
            BOOST_FAIL("accepted " << bad);
        } catch (const ats::sdk::Error &e) {
            BOOST_TEST(e.code() == ATS_ERR_INVALID_ARGUMENT);
            BOOST_TEST(std::string(e.what()).find("data_base64") != std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
