"""codecost.py counts code lines and functions the way a reader sees
them: comments, blanks and braces inside strings do not count, only
files that define a workload are measured."""

import os
import sys
import tempfile
import unittest

import synth

sys.path.insert(0, synth.TOOLS)
import codecost  # noqa: E402

DIRECT = r'''/* The idle workload.  { a brace in a comment }
 * spans lines. */
#include "tvc/workload.h"

// a line comment { with a brace
static int helper(int x)
{
    const char *s = "}{ \" // not a comment";
    char c = '{';
    return x + s[0] + c; /* trailing */
}

struct pair { int a, b; };
static const int table[] = {1, 2, 3};

static int run(tvc_wl *w)
{

    return helper(1);
}

const tvc_workload tvc_wl_idle = {
    .name = "idle", .run = run,
};
'''
CALLBACK = DIRECT + r'''
static void step_one(void *arg) { (void)arg; }
static void step_two(void *arg)
{
    (void)arg;
}
'''


class CodeCostTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        root = self.tmp.name
        for sub, text in (("common/workloads/idle.c", DIRECT),
                          ("callback/workloads/idle.c", CALLBACK),
                          ("common/workloads/direct_main.c",
                           "int main(void) { return 0; }\n")):
            os.makedirs(os.path.dirname(os.path.join(root, sub)),
                        exist_ok=True)
            with open(os.path.join(root, sub), "w") as f:
                f.write(text)

    def tearDown(self):
        self.tmp.cleanup()

    def test_counts(self):
        got = dict(codecost.measure(self.tmp.name))
        self.assertEqual(list(got), ["idle"])  # direct_main.c is no workload
        # 16 code lines, 2 functions; the callback adds 5 lines, 2 functions
        self.assertEqual(got["idle"]["direct"], (16, 2))
        self.assertEqual(got["idle"]["callback"], (21, 4))

    def test_table_and_commit(self):
        header, rows = codecost.table(self.tmp.name)
        self.assertEqual(rows, [["idle", "16", "2", "21", "4", "1.3",
                                 "2.0"]])
        self.assertEqual(len(header), len(rows[0]))
        self.assertIn("unknown", codecost.commit(self.tmp.name))

    def test_cli_on_this_repository(self):
        code, out, err = synth.run_tool("codecost")
        self.assertEqual(code, 0, err)
        self.assertIn("commit: ", out)


if __name__ == "__main__":
    unittest.main()
