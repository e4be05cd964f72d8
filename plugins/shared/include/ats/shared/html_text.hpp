// html_text.hpp - notes arrive as HTML or text; Tracker notes are plain text (the customer's Tracker
// stores notes as "Plain Text"), so HTML is converted, never passed through.
#pragma once

#include <string>
#include <string_view>

namespace ats::shared {

// Converts an HTML fragment to readable plain text:
//   * tags are removed; <script>, <style> and <head> are removed with their content; comments too;
//   * <br> and the end of block elements (p, div, li, tr, h1-h6, ul, ol, table, blockquote, pre)
//     become line breaks; <li> starts with "- "; cells (<td>, <th>) are separated by a tab;
//   * entities are decoded: the common named ones (&amp; &lt; &gt; &quot; &apos; &nbsp; ...) and
//     numeric &#NNN; / &#xHH; (as UTF-8); an unknown entity is kept as written;
//   * runs of spaces collapse to one, spaces around line breaks are trimmed, at most one blank
//     line is kept, and the result has no leading or trailing whitespace.
std::string html_to_text(std::string_view html);

// The text of a note in the given content type: "text/html" is converted with html_to_text,
// anything else (including "" and "text/plain") is returned trimmed of surrounding whitespace.
std::string note_text(std::string_view content, std::string_view content_type);

} // namespace ats::shared
