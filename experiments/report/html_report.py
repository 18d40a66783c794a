"""report.html: report.md as one self-contained page.

Reads the markdown report.py wrote (headings, paragraphs, lists, tables,
images, <details> blocks, `code`, **bold**, *italics* and links) and
writes the same content as HTML that loads nothing: each chart is put in
as its SVG (plots/<name>.svg beside the PNG), any other picture as a
base64 PNG, a link to a file becomes its text, and the page carries its
own style and a few lines of script that sort a table by the column
header clicked (values with units compare as numbers: 2 µs < 1 ms).  A
table of contents of the sections opens the page.  It opens from
file:// in any browser.
"""

import base64
import html
import os
import re

import results

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 1180px;
       margin: 1em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: .6em 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; }
td { text-align: right; } td:first-child { text-align: left; }
th { background: #f0f0f0; cursor: pointer; }
th.asc::after { content: " \\25B2"; } th.desc::after { content: " \\25BC"; }
code { background: #f4f4f4; padding: 0 2px; }
nav { background: #fafafa; border: 1px solid #ddd; padding: .3em 1em; }
figure { margin: 1em 0; } svg, img { max-width: 100%; height: auto; }
"""

# Sorting: a cell's value is its first number scaled by the unit after it
# (ns µs ms s, B KiB MiB GiB, k/s M/s, k M G, ×); cells without a number
# sort as text after the numbers.
SCRIPT = r"""
var U = {ns: 1e-9, "µs": 1e-6, ms: 1e-3, s: 1, B: 1, KiB: 1024,
         MiB: 1048576, GiB: 1073741824, "/s": 1, "k/s": 1e3, "M/s": 1e6,
         "G/s": 1e9, k: 1e3, M: 1e6, G: 1e9};
function key(t) {
  var m = t.replace(/,/g, "").match(/(-?\d+(?:\.\d+)?)\s*([a-zµKMG\/]*)/i);
  if (!m) return [1, t];
  return [0, parseFloat(m[1]) * (U[m[2]] || 1)];
}
document.querySelectorAll("table").forEach(function (tb) {
  tb.querySelectorAll("th").forEach(function (th, i) {
    th.addEventListener("click", function () {
      var body = tb.tBodies[0], rows = Array.from(body.rows);
      var up = !th.classList.contains("asc");
      tb.querySelectorAll("th").forEach(function (h) {
        h.classList.remove("asc", "desc"); });
      th.classList.add(up ? "asc" : "desc");
      rows.sort(function (a, b) {
        var x = key(a.cells[i].textContent), y = key(b.cells[i].textContent);
        var c = x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
        return up ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""


def anchor(title):
    """The id GitHub gives a heading: lower case, spaces to dashes, other
    punctuation dropped (report.md's contents links use it)."""
    text = re.sub(r"[^\w\- ]", "", title.lower())
    return text.replace(" ", "-")


def _inline(text):
    """Markdown's inline marks as HTML; a link to a file keeps its text
    only (the page links nothing outside itself)."""
    parts = re.split(r"(`[^`]*`)", text)
    out = []
    for part in parts:
        if part.startswith("`") and part.endswith("`") and len(part) > 1:
            out.append("<code>%s</code>" % html.escape(part[1:-1]))
            continue
        t = html.escape(part, quote=False)
        t = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", t)
        t = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>",
                   t)
        t = re.sub(r"\[([^\]]+)\]\((#[^)\s]*)\)", r'<a href="\2">\1</a>', t)
        t = re.sub(r"\[([^\]]+)\]\(([^)]*)\)", r"\1", t)
        out.append(t)
    return "".join(out)


def _cells(line):
    """The cells of a markdown table line; '\\|' is a bar inside a cell."""
    body = line.strip()[1:-1] if line.strip().endswith("|") else \
        line.strip()[1:]
    return [c.strip().replace("\\|", "|")
            for c in re.split(r"(?<!\\)\|", body)]


def take_table(lines, i):
    """The markdown table that starts at lines[i] (its lines) and the
    index of the line after it."""
    end = i
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return lines[i:end], end


def _table(lines):
    head, rows = _cells(lines[0]), [_cells(x) for x in lines[2:]]
    out = ["<table><thead><tr>"]
    out += ["<th>%s</th>" % _inline(c) for c in head]
    out.append("</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>" + "".join("<td>%s</td>" % _inline(c) for c in r)
                   + "</tr>")
    return out + ["</tbody></table>"]


def _svg(path):
    """An SVG file's <svg> element, for inline use: no XML prolog, DOCTYPE,
    metadata or namespace declarations (HTML knows the element)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", text)
    # Ids nothing refers to (every chart has its figure_1, axes_1) would
    # repeat across the page; the referenced ones are content hashes.
    used = set(re.findall(r"#([\w.-]+)", text))
    return re.sub(r'\s+id="([^"]*)"',
                  lambda m: m.group(0) if m.group(1) in used else "", text)


def _image(directory, alt, path):
    """A picture of the report, inline: its SVG when there is one beside
    it, else the file itself as base64; its alt text when it is absent."""
    full = os.path.join(directory, path)
    svg = os.path.splitext(full)[0] + ".svg"
    if os.path.isfile(svg):
        body = _svg(svg)
    elif os.path.isfile(full):
        with open(full, "rb") as f:
            data = base64.b64encode(f.read()).decode("ascii")
        body = '<img alt="%s" src="data:image/png;base64,%s">' % (
            html.escape(alt), data)
    else:
        return "<p>(%s: picture missing)</p>" % html.escape(alt)
    return "<figure>%s<figcaption>%s</figcaption></figure>" % (
        body, html.escape(alt))


IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)]+)\)$")


def body_of(directory, md):
    """(HTML lines of the report's body, [(level, title, id)] of its
    sections)."""
    out, toc, para, lst = [], [], [], []
    ids = {}  # a heading's id, made unique as GitHub does: timers, timers-1

    def flush():
        if para:
            out.append("<p>%s</p>" % _inline(" ".join(para)))
            para.clear()
        if lst:
            out.append("<ul>%s</ul>" % "".join(
                "<li>%s</li>" % _inline(x) for x in lst))
            lst.clear()

    lines = md.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^(#{1,4}) (.*)$", line)
        img = IMAGE.match(line.strip())
        if m:
            flush()
            level, title = len(m.group(1)), m.group(2).strip()
            base = anchor(title)
            n = ids.get(base, 0)
            ids[base] = n + 1
            hid = base if n == 0 else "%s-%d" % (base, n)
            out.append('<h%d id="%s">%s</h%d>' % (
                level, hid, _inline(title), level))
            if level in (2, 3):
                toc.append((level, title, hid))
        elif line.startswith("|"):
            flush()
            block, i = take_table(lines, i)
            out += _table(block)
            continue
        elif img:
            flush()
            out.append(_image(directory, img.group(1), img.group(2)))
        elif line.startswith(("<details>", "</details>")):
            flush()
            out.append(re.sub(r"<summary>(.*)</summary>",
                              lambda s: "<summary>%s</summary>" %
                              _inline(s.group(1)), line))
        elif line.startswith("- "):
            if para:
                flush()
            lst.append(line[2:])
        elif not line.strip():
            flush()
        else:
            para.append(line)
        i += 1
    flush()
    return out, toc


def page(directory, md):
    """report.html's text for report.md's text md."""
    body, toc = body_of(directory, md)
    title = next((x[2:] for x in md.split("\n") if x.startswith("# ")),
                 "tvc report")
    nav = ['<nav><b>Contents</b><ul>']
    for level, text, hid in toc:
        nav.append('<li%s><a href="#%s">%s</a></li>' % (
            ' style="margin-left:1.5em;font-size:90%"' if level == 3 else "",
            hid, _inline(text)))
    nav.append("</ul></nav>")
    return "\n".join(
        ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         "<title>%s</title>" % html.escape(title),
         "<style>%s</style></head><body>" % STYLE] + body[:1] + nav
        + body[1:] + ["<script>%s</script>" % SCRIPT, "</body></html>", ""])


def write(directory, md):
    """Writes directory/report.html for report.md's text md."""
    results.atomic_write(os.path.join(directory, "report.html"),
                         page(directory, md))
