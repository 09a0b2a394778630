"""Tests for the minirec command-line tool: JSON shape and values against the numpy fixtures,
table output, and error reporting (one "minirec: " line on stderr, exit status 1).

Usage (Python 3 standard library only; ctest passes the paths):
    test_cli.py MINIREC FIXTURE_DIR                   built-in data, CSV fixtures, errors
    test_cli.py MINIREC FIXTURE_DIR --movielens DIR   only the ml-latest-small tests;
                                                      exits 77 (skipped) when DIR is absent
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

# Largest |actual - expected| for values that the native build reproduces from the float64
# reference (built-in data, exact kernel).
TOLERANCE = 1e-9
# Relative bound for ml-latest-small, which the tool trains with the float SIMD kernel (AUTO picks
# it above 50,000 ratings): 10x the 1.1e-6 measured with GCC 12 on x86-64.
FLOAT_TOLERANCE = 1e-5
SKIPPED = 77

MINIREC = None
FIXTURES = None
MOVIELENS = None
ALPHAS = ["0.7", "0.5", "0.0", "1.0"]
max_difference = {}


def run(*args):
    """Run the tool and return (exit status, stdout bytes, stderr bytes)."""
    done = subprocess.run([MINIREC, *args], capture_output=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def load_json_fixture(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
        return json.load(f)


def csv_fixture(name):
    return os.path.join(FIXTURES, "csv", name)


class CliTestCase(unittest.TestCase):
    maxDiff = 4000

    def run_json(self, *args):
        """Run with --json, check exit status 0 and an empty stderr, and return the parsed output."""
        status, out, err = run(*args, "--json")
        self.assertEqual(status, 0, f"minirec {' '.join(args)} --json: exit status (stderr: {err!r})")
        self.assertEqual(err, b"", f"minirec {' '.join(args)} --json: stderr")
        try:
            return json.loads(out.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            self.fail(f"minirec {' '.join(args)} --json: output is not UTF-8 JSON ({e}): {out[:300]!r}")

    def assert_keys(self, obj, keys, context):
        self.assertEqual(sorted(obj), sorted(keys), f"{context}: keys")

    def assert_close(self, actual, expected, context, tolerance=TOLERANCE, group="values"):
        """Check |actual - expected| <= tolerance and record the difference under `group`."""
        self.assertIsInstance(actual, (int, float), f"{context}: expected a number, got {actual!r}")
        difference = abs(actual - expected)
        max_difference[group] = max(max_difference.get(group, 0.0), difference)
        self.assertLessEqual(difference, tolerance, f"{context}: expected {expected!r}, got {actual!r}")

    def assert_one_line_error(self, args, part=None):
        """Check exit status 1, nothing on stdout, and exactly one 'minirec: ' line on stderr."""
        status, out, err = run(*args)
        text = err.decode("utf-8", errors="replace")
        self.assertEqual(status, 1, f"minirec {' '.join(args)}: exit status (stderr: {text!r})")
        self.assertEqual(out, b"", f"minirec {' '.join(args)}: stdout")
        lines = text.splitlines()
        self.assertEqual(len(lines), 1, f"minirec {' '.join(args)}: stderr lines: {text!r}")
        self.assertTrue(text.endswith("\n"), f"minirec {' '.join(args)}: stderr ends with a newline: {text!r}")
        self.assertTrue(lines[0].startswith("minirec: "), f"minirec {' '.join(args)}: stderr prefix: {text!r}")
        if part is not None:
            self.assertIn(part, lines[0], f"minirec {' '.join(args)}: message")
        return lines[0]


# ---------------------------------------------------------------------------------------------
# Built-in data set, JSON output


class BuiltinJsonTest(CliTestCase):
    @classmethod
    def setUpClass(cls):
        cls.fixture = load_json_fixture("builtin.json")
        cls.titles = {m["movie_id"]: m["title"] for m in cls.fixture["movies"]}

    def test_popularity_json_matches_fixture(self):
        out = self.run_json("popularity")
        self.assert_keys(out, ["popularity"], "popularity output")
        rows, expected = out["popularity"], self.fixture["popularity"]
        self.assertEqual(len(rows), len(expected), "popularity row count")
        for i, (row, want) in enumerate(zip(rows, expected)):
            self.assert_keys(row, ["movie_id", "title", "mean", "count"], f"popularity row {i}")
            self.assertEqual(row["movie_id"], want["movie_id"], f"popularity row {i} movie_id")
            self.assertEqual(row["title"], self.titles[want["movie_id"]], f"popularity row {i} title")
            self.assert_close(row["mean"], want["mean"], f"popularity row {i} mean", group="popularity")
            self.assertEqual(row["count"], want["count"], f"popularity row {i} count")

    def test_popularity_min_count_and_top(self):
        rows = self.run_json("popularity", "--min-count", "3")["popularity"]
        expected = [r["movie_id"] for r in self.fixture["popularity"] if r["count"] >= 3]
        self.assertEqual([r["movie_id"] for r in rows], expected, "movies with at least 3 ratings")
        rows = self.run_json("popularity", "--top", "2")["popularity"]
        expected = [r["movie_id"] for r in self.fixture["popularity"][:2]]
        self.assertEqual([r["movie_id"] for r in rows], expected, "top 2 movies")

    def test_similar_json_every_movie_top7(self):
        for movie_id, expected in self.fixture["similar_top7"].items():
            out = self.run_json("similar", "--movie", movie_id, "--top", "7")
            self.assert_keys(out, ["similar"], f"similar output for movie {movie_id}")
            rows = out["similar"]
            self.assertEqual(len(rows), len(expected), f"similar count for movie {movie_id}")
            for i, (row, want) in enumerate(zip(rows, expected)):
                self.assert_keys(row, ["movie_id", "title", "similarity"], f"movie {movie_id} similar row {i}")
                self.assertEqual(row["movie_id"], want["movie_id"], f"movie {movie_id} similar row {i} movie_id")
                self.assertEqual(row["title"], self.titles[want["movie_id"]], f"movie {movie_id} similar row {i} title")
                self.assert_close(row["similarity"], want["similarity"], f"movie {movie_id} similar row {i}",
                                  group="similarity")

    def test_similar_default_top5(self):
        rows = self.run_json("similar", "--movie", "1")["similar"]
        expected = [r["movie_id"] for r in self.fixture["similar_top7"]["1"][:5]]
        self.assertEqual([r["movie_id"] for r in rows], expected, "default top 5 similar to movie 1")

    def test_train_json_matches_fixture(self):
        out = self.run_json("train")
        train = self.fixture["train"]
        self.assert_keys(out, ["rmse", "user_ids", "movie_ids", "U", "V"], "train output")
        self.assertEqual(out["user_ids"], train["user_ids"], "user_ids")
        self.assertEqual(out["movie_ids"], train["movie_ids"], "movie_ids")
        self.assertEqual(len(out["rmse"]), len(train["rmse"]), "RMSE count")
        for epoch, (got, want) in enumerate(zip(out["rmse"], train["rmse"]), start=1):
            self.assert_close(got, want, f"RMSE of epoch {epoch}", group="training RMSE")
        for name in ("U", "V"):
            self.assertEqual(len(out[name]), len(train[name]), f"{name} rows")
            for i, (row, want_row) in enumerate(zip(out[name], train[name])):
                self.assertEqual(len(row), len(want_row), f"{name}[{i}] length")
                for f, (got, want) in enumerate(zip(row, want_row)):
                    self.assert_close(got, want, f"{name}[{i}][{f}]", group="U and V")

    def test_predict_json_every_user(self):
        train = self.fixture["train"]
        for u, user_id in enumerate(train["user_ids"]):
            out = self.run_json("predict", "--user", str(user_id))
            self.assert_keys(out, ["predictions"], f"predict output for user {user_id}")
            rows = out["predictions"]
            expected = {m: self.fixture["predictions"][u][i] for i, m in enumerate(train["movie_ids"])}
            self.assertEqual(sorted(r["movie_id"] for r in rows), sorted(expected), f"movies predicted for user {user_id}")
            for i, row in enumerate(rows):
                self.assert_keys(row, ["movie_id", "title", "rating"], f"user {user_id} prediction row {i}")
                self.assertEqual(row["title"], self.titles[row["movie_id"]], f"user {user_id} row {i} title")
                self.assert_close(row["rating"], expected[row["movie_id"]],
                                  f"user {user_id} prediction for movie {row['movie_id']}", group="predictions")
            ratings = [r["rating"] for r in rows]
            self.assertEqual(ratings, sorted(ratings, reverse=True), f"user {user_id} predictions best first")

    def test_recommend_json_every_user_and_alpha(self):
        for user_id, by_alpha in self.fixture["hybrid"].items():
            for alpha in ALPHAS:
                out = self.run_json("recommend", "--user", user_id, "--alpha", alpha, "--top", "100")
                self.assert_keys(out, ["recommendations"], f"recommend output for user {user_id}")
                self.check_recommendations(out["recommendations"], by_alpha[alpha], f"user {user_id} alpha {alpha}")

    def test_recommend_default_top5_alpha07(self):
        rows = self.run_json("recommend", "--user", "1")["recommendations"]
        self.check_recommendations(rows, self.fixture["hybrid"]["1"]["0.7"][:5], "user 1 with defaults")
        rows = self.run_json("recommend", "--user", "1", "--top", "2")["recommendations"]
        self.check_recommendations(rows, self.fixture["hybrid"]["1"]["0.7"][:2], "user 1 top 2")

    def test_recommend_movie2_cf_null(self):
        rows = self.run_json("recommend", "--user", "3", "--top", "100")["recommendations"]
        movie2 = [r for r in rows if r["movie_id"] == 2]
        self.assertEqual(len(movie2), 1, "movie 2 listed once for user 3")
        self.assertIsNone(movie2[0]["cf_score"], "movie 2 cf_score")
        self.assert_close(movie2[0]["score"], 0.3 * 5 * movie2[0]["content_score"], "movie 2 score = 0.3 * 5 * content",
                          group="hybrid score")

    def check_recommendations(self, rows, expected, context):
        self.assertEqual([r["movie_id"] for r in rows], [r["movie_id"] for r in expected], f"{context}: movie order")
        for i, (row, want) in enumerate(zip(rows, expected)):
            self.assert_keys(row, ["movie_id", "title", "cf_score", "content_score", "score"], f"{context} row {i}")
            self.assertEqual(row["title"], self.titles[row["movie_id"]], f"{context} row {i} title")
            if want["cf_score"] is None:
                self.assertIsNone(row["cf_score"], f"{context} row {i} cf_score")
            else:
                self.assert_close(row["cf_score"], want["cf_score"], f"{context} row {i} cf_score", group="hybrid cf_score")
            self.assert_close(row["content_score"], want["content_score"], f"{context} row {i} content_score",
                              group="hybrid content_score")
            self.assert_close(row["score"], want["score"], f"{context} row {i} score", group="hybrid score")


# ---------------------------------------------------------------------------------------------
# Table output


class TableOutputTest(CliTestCase):
    def run_table(self, *args):
        status, out, err = run(*args)
        self.assertEqual(status, 0, f"minirec {' '.join(args)}: exit status (stderr: {err!r})")
        return out

    def test_popularity_table_columns(self):
        lines = self.run_table("popularity").decode("utf-8").splitlines()
        self.assertEqual(lines[0].split(), ["movie_id", "title", "mean", "count"], "popularity header")
        self.assertEqual(len(lines), 1 + 7, "header and one line per rated movie")
        self.assertEqual(lines[1].split(), ["1", "The", "Matrix", "4.500", "2"], "first popularity row")
        self.assertIn("Crazy, Stupid, Love", lines[5], "title with commas")
        self.assertEqual(len({len(line) for line in lines}), 1, f"all lines have one width: {lines!r}")

    def test_similar_table_columns(self):
        lines = self.run_table("similar", "--movie", "1").decode("utf-8").splitlines()
        self.assertEqual(lines[0].split(), ["movie_id", "title", "similarity"], "similar header")
        self.assertEqual(lines[1].split(), ["2", "The", "Matrix", "Reloaded", "1.0000"], "most similar to movie 1")
        self.assertEqual(len(lines), 1 + 5, "header and 5 rows")

    def test_train_table_lists_epochs(self):
        lines = self.run_table("train").decode("utf-8").splitlines()
        self.assertIn("k=3", lines[0], "settings line")
        epochs = [line for line in lines if line.startswith("epoch")]
        self.assertEqual(len(epochs), 11, f"epoch 1, then every 50th of 500 epochs: {lines!r}")
        self.assertEqual(epochs[0].split()[:2], ["epoch", "1"], "first epoch listed")
        self.assertEqual(epochs[1].split()[:2], ["epoch", "50"], "then every 50th epoch")
        self.assertEqual(epochs[-1].split()[:2], ["epoch", "500"], "last epoch listed")

    def test_recommend_table_marks_missing_cf(self):
        text = self.run_table("recommend", "--user", "1").decode("utf-8")
        lines = text.splitlines()
        self.assertEqual(lines[0].split(), ["movie_id", "title", "cf", "content", "score"], "recommend header")
        movie2 = [line for line in lines if line.startswith("2 ")]
        self.assertEqual(len(movie2), 1, f"movie 2 row: {text!r}")
        self.assertIn("n/a", movie2[0], "movie 2 has no CF score")
        self.assertIn("(1 - alpha) x 5 x content", text, "note on movies without CF")

    def test_table_truncates_long_titles_as_utf8(self):
        # Each of these titles has a 2-byte character across byte 40, the width of the title column.
        out = self.run_table("popularity", "--ratings", csv_fixture("ratings_long_titles.csv"),
                             "--movies", csv_fixture("movies_long_titles.csv"))
        try:
            out.decode("utf-8")
        except UnicodeDecodeError as e:
            self.fail(f"table output is not valid UTF-8 ({e}): {out!r}")

    def test_table_columns_aligned_with_accented_titles(self):
        out = self.run_table("popularity", "--ratings", csv_fixture("ratings_long_titles.csv"),
                             "--movies", csv_fixture("movies_long_titles.csv"))
        lines = out.decode("utf-8", errors="replace").splitlines()
        widths = [len(line) for line in lines]
        self.assertEqual(len(set(widths)), 1, f"characters per line {widths}: {lines!r}")


# ---------------------------------------------------------------------------------------------
# CSV input through the tool


class CsvInputTest(CliTestCase):
    def test_popularity_json_keeps_quoted_and_accented_titles(self):
        out = self.run_json("popularity", "--ratings", csv_fixture("ratings.csv"), "--movies", csv_fixture("movies.csv"))
        titles = {r["movie_id"]: r["title"] for r in out["popularity"]}
        self.assertEqual(titles[1000000007], 'Night of the "Living" Dead (1968)', "title with doubled quotes")
        self.assertEqual(titles[88163], "Crazy, Stupid, Love (2011)", "title with commas")
        self.assertEqual(titles[4973], "Fabuleux destin d'Amélie Poulain, Le (Amélie) (2001)", "accented title")
        self.assertEqual(titles[858], "", "movie only in ratings.csv has no title")
        self.assertEqual([r["movie_id"] for r in out["popularity"]][:3], [2571, 4973, 88163], "best three")

    def test_bom_crlf_files_give_same_output(self):
        lf = self.run_json("recommend", "--user", "7", "--ratings", csv_fixture("ratings.csv"),
                           "--movies", csv_fixture("movies.csv"))
        crlf = self.run_json("recommend", "--user", "7", "--ratings", csv_fixture("ratings_crlf.csv"),
                             "--movies", csv_fixture("movies_bom_crlf.csv"))
        self.assertEqual(crlf, lf, "recommendations from the BOM and CRLF files")

    def test_ratings_without_movies_file(self):
        rows = self.run_json("popularity", "--ratings", csv_fixture("ratings.csv"))["popularity"]
        self.assertEqual(len(rows), 8, "every rated movie")
        self.assertTrue(all(r["title"] == "" for r in rows), f"no titles without movies.csv: {rows!r}")

    def test_table_names_untitled_movies_by_id(self):
        status, out, _ = run("popularity", "--ratings", csv_fixture("ratings.csv"))
        self.assertEqual(status, 0, "exit status")
        self.assertIn("movie 858", out.decode("utf-8"), "untitled movie shown by id")


# ---------------------------------------------------------------------------------------------
# Errors


class ErrorTest(CliTestCase):
    def test_unknown_user(self):
        self.assert_one_line_error(["recommend", "--user", "99"], "user 99")
        self.assert_one_line_error(["predict", "--user", "99"], "user 99")

    def test_unknown_movie(self):
        self.assert_one_line_error(["similar", "--movie", "999"], "999")

    def test_missing_file(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "absent.csv")
            self.assert_one_line_error(["popularity", "--ratings", path], path)
            self.assert_one_line_error(["popularity", "--ratings", csv_fixture("ratings.csv"), "--movies", path], path)

    def test_malformed_line(self):
        self.assert_one_line_error(["popularity", "--ratings", csv_fixture("ratings_bad_rating.csv")],
                                   "ratings_bad_rating.csv line 5:")
        self.assert_one_line_error(["popularity", "--ratings", csv_fixture("ratings.csv"),
                                    "--movies", csv_fixture("movies_unterminated_quote.csv")],
                                   "movies_unterminated_quote.csv line 3:")

    def test_unknown_option(self):
        self.assert_one_line_error(["popularity", "--bogus"], "--bogus")

    def test_unknown_command(self):
        self.assert_one_line_error(["popular"], "popular")

    def test_bad_values(self):
        self.assert_one_line_error(["recommend", "--user", "1", "--alpha", "2"], "--alpha")
        self.assert_one_line_error(["train", "--k", "0"], "--k")
        self.assert_one_line_error(["train", "--lr", "abc"], "--lr")
        self.assert_one_line_error(["train", "--lr", "0"], "learning rate 0")
        self.assert_one_line_error(["train", "--epochs", "-1"], "--epochs")
        self.assert_one_line_error(["similar", "--movie", "1", "--top", "x"], "--top")

    def test_missing_value_or_argument(self):
        self.assert_one_line_error(["popularity", "--top"], "--top")
        self.assert_one_line_error(["recommend"], "--user")
        self.assert_one_line_error(["similar"], "--movie")
        self.assert_one_line_error([], "command")
        self.assert_one_line_error(["popularity", "--movies", csv_fixture("movies.csv")], "--ratings")

    def test_diverging_training(self):
        self.assert_one_line_error(["train", "--lr", "5"], "learning rate 5")

    def test_help_exits_zero(self):
        status, out, err = run("--help")
        self.assertEqual(status, 0, "exit status of --help")
        self.assertIn(b"usage: minirec", out, "usage on stdout")
        self.assertEqual(err, b"", "stderr of --help")


# ---------------------------------------------------------------------------------------------
# MovieLens ml-latest-small


class MovieLensTest(CliTestCase):
    @classmethod
    def setUpClass(cls):
        cls.fixture = load_json_fixture("ml_small_expected.json")
        cls.data = ["--ratings", os.path.join(MOVIELENS, "ratings.csv"), "--movies", os.path.join(MOVIELENS, "movies.csv")]
        with open(os.path.join(MOVIELENS, "ratings.csv"), newline="", encoding="utf-8") as f:
            cls.rated_by_user1 = {int(r["movieId"]) for r in csv.DictReader(f) if r["userId"] == "1"}

    def test_recommend_user1_json(self):
        rows = self.run_json("recommend", "--user", "1", *self.data)["recommendations"]
        self.assertEqual(len(rows), 5, "default top 5")
        for i, row in enumerate(rows):
            self.assert_keys(row, ["movie_id", "title", "cf_score", "content_score", "score"], f"row {i}")
            self.assertNotIn(row["movie_id"], self.rated_by_user1, f"row {i} is a movie user 1 has not rated")
            self.assertTrue(row["title"], f"row {i} has a title")
            # The same operations as the library: alpha * cf + (1 - alpha) * (content * 5).
            cf = row["cf_score"] or 0.0
            expected = 0.7 * cf + (1.0 - 0.7) * (row["content_score"] * 5.0)
            self.assertLessEqual(abs(row["score"] - expected), 1e-12 * max(1.0, abs(expected)),
                                 f"row {i} score = 0.7 cf + 0.3 x 5 x content: {row!r}")
        scores = [r["score"] for r in rows]
        self.assertEqual(scores, sorted(scores, reverse=True), "best first")

    def test_popularity_min50_top10(self):
        rows = self.run_json("popularity", "--min-count", "50", "--top", "10", *self.data)["popularity"]
        expected = self.fixture["popularity_min50_top10"]
        self.assertEqual([r["movie_id"] for r in rows], [r["movie_id"] for r in expected], "movie order")
        for i, (row, want) in enumerate(zip(rows, expected)):
            self.assert_close(row["mean"], want["mean"], f"row {i} mean", group="ml popularity")
            self.assertEqual(row["count"], want["count"], f"row {i} count")

    def test_predict_user1_three_epochs(self):
        rows = self.run_json("predict", "--user", "1", "--epochs", "3", *self.data)["predictions"]
        by_movie = {r["movie_id"]: r["rating"] for r in rows}
        self.assertEqual(len(by_movie), self.fixture["n_rated_movies"], "one prediction per rated movie")
        for want in self.fixture["predictions"]:
            got = by_movie[want["movie_id"]]
            self.assert_close(got, want["prediction"], f"prediction for movie {want['movie_id']}",
                              tolerance=FLOAT_TOLERANCE * abs(want["prediction"]), group="ml predictions (float kernel)")


# ---------------------------------------------------------------------------------------------


def main():
    global MINIREC, FIXTURES, MOVIELENS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("minirec", help="path of the built minirec binary")
    parser.add_argument("fixtures", help="path of tests/fixtures")
    parser.add_argument("--movielens", metavar="DIR", help="run only the ml-latest-small tests on DIR")
    args, rest = parser.parse_known_args()
    MINIREC, FIXTURES = os.path.abspath(args.minirec), os.path.abspath(args.fixtures)

    loader = unittest.defaultTestLoader
    if args.movielens:
        if not os.path.isdir(args.movielens):
            print(f"skipped: no MovieLens directory at {args.movielens}; put the ml-latest-small files there")
            return SKIPPED
        MOVIELENS = args.movielens
        suite = loader.loadTestsFromTestCase(MovieLensTest)
    else:
        suite = unittest.TestSuite(loader.loadTestsFromTestCase(case) for case in
                                   (BuiltinJsonTest, TableOutputTest, CsvInputTest, ErrorTest))
    if rest:
        suite = loader.loadTestsFromNames(rest, sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    for group, value in sorted(max_difference.items()):
        print(f"max |difference| {group}: {value:.3g}")
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
