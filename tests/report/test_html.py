"""report.html: written beside report.md on every report, well-formed,
self-contained (every picture inline, nothing loaded from a file or the
network), with a table of contents and sortable tables."""

import html.parser
import os
import re
import tempfile
import unittest

import synth

# Elements HTML closes by itself.
VOID = {"meta", "img", "br", "hr", "input", "link", "col", "source", "wbr"}


class Checker(html.parser.HTMLParser):
    """Collects what the tests look at and the nesting errors."""

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []
        self.ids, self.links, self.srcs, self.tags = set(), [], [], []
        self.svg_depth = 0
        self.id_count = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a and self.svg_depth == 0:
            self.ids.add(a["id"])
            self.id_count += 1
        if tag == "a":
            self.links.append(a.get("href", ""))
        for name in ("src", "href", "xlink:href"):
            if name in a and tag != "a":
                self.srcs.append(a[name])
        if tag == "svg":
            self.svg_depth += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()
            if tag == "svg":
                self.svg_depth -= 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (
                tag, self.stack[-1] if self.stack else "nothing"))
            return
        self.stack.pop()
        if tag == "svg":
            self.svg_depth -= 1


class HtmlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = os.path.join(cls.tmp.name, "run")
        synth.write(cls.dir)
        cls.code, _, cls.err = synth.run_tool("report", cls.dir)
        with open(os.path.join(cls.dir, "report.html"),
                  encoding="utf-8") as f:
            cls.html = f.read()
        cls.p = Checker()
        cls.p.feed(cls.html)
        cls.p.close()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_well_formed(self):
        self.assertEqual(self.code, 0, self.err)
        self.assertTrue(self.html.startswith("<!DOCTYPE html>"))
        self.assertEqual(self.p.errors, [])
        self.assertEqual(len(self.p.ids), self.p.id_count)
        self.assertEqual(self.p.stack, [])

    def test_every_picture_inline(self):
        with open(os.path.join(self.dir, "report.md"),
                  encoding="utf-8") as f:
            md_images = f.read().count("![")
        inline = self.p.tags.count("svg") + sum(
            1 for s in self.p.srcs if s.startswith("data:image/"))
        self.assertGreaterEqual(md_images, 5)
        self.assertEqual(inline, md_images)
        self.assertGreaterEqual(self.p.tags.count("svg"), 3)  # the charts

    def test_nothing_outside_the_page(self):
        # Base64 holds '/'; everything else must name no place.
        text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]*", "",
                      self.html)
        for bad in ("http:", "https:", "//", "file:"):
            self.assertFalse(bad in text, bad)
        for src in self.p.srcs:
            self.assertTrue(src.startswith(("data:", "#")), src)
        for href in self.p.links:
            self.assertTrue(href.startswith("#"), href)

    def test_contents_and_sortable_tables(self):
        self.assertIn("nav", self.p.tags)
        for target in ("charts", "memory", "targets", "code-cost"):
            self.assertIn("#" + target, self.p.links)
            self.assertIn(target, self.p.ids)
        for href in self.p.links:
            self.assertIn(href[1:], self.p.ids, href)
        self.assertGreater(self.p.tags.count("table"), 3)
        self.assertIn("th", self.p.tags)
        self.assertIn("addEventListener(\"click\"", self.html)

    def test_rewritten_with_the_report(self):
        os.remove(os.path.join(self.dir, "report.html"))
        code, _, err = synth.run_tool("report", self.dir)
        self.assertEqual(code, 0, err)
        self.assertTrue(os.path.isfile(os.path.join(self.dir,
                                                    "report.html")))


if __name__ == "__main__":
    unittest.main()
