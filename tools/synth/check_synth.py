"""Check minirec-synth output: runs the generator for each format and verifies every file.

Usage: python3 tools/synth/check_synth.py PATH/TO/minirec-synth [--keep DIR]

For each case it checks headers, field counts and the requested user, movie and rating counts.
It checks that no (user, movie) pair repeats, the row order, the rating scale and that every rated
movie is in the catalog. It checks CSV quoting, Latin-1 text in ml-100k and ml-1m, 7-digit
MovieTweetings ids, and that the same seed gives the same bytes. Prints one line per check and
exits 1 if any check failed.
"""

import argparse
import csv
import hashlib
import os
import subprocess
import sys
import tempfile

ML_CSV_GENRES = {"Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama",
                 "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi",
                 "Thriller", "War", "Western"}

# (name, generator arguments, format, users, movies, ratings, order)
CASES = [
    ("ml-100k preset", ["--preset", "ml-100k"], "ml-100k", 943, 1682, 100000, "user-time"),
    ("ml-latest-small preset", ["--preset", "ml-latest-small"], "ml-csv", 610, 9742, 100836, "user-movie"),
    ("ml-csv heavy users", ["--format", "ml-csv", "--users", "50", "--movies", "400", "--ratings", "15000",
                            "--order", "user-time"], "ml-csv", 50, 400, 15000, "user-time"),
    ("ml-1m small", ["--format", "ml-1m", "--users", "300", "--movies", "900", "--ratings", "40000"],
     "ml-1m", 300, 900, 40000, "user-time"),
    ("ml-10m small", ["--format", "ml-10m", "--users", "300", "--movies", "900", "--ratings", "40000",
                      "--order", "user-movie"], "ml-10m", 300, 900, 40000, "user-movie"),
    ("tweetings preset", ["--preset", "tweetings-100k"], "tweetings", 16554, 10506, 100000, "user-movie"),
]


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, condition, detail):
        if condition:
            self.passed += 1
            print(f"ok    {name}")
        else:
            self.failed += 1
            print(f"FAIL  {name}: {detail}")


def read_lines(path, encoding):
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode(encoding)
    crlf = "\r\n" in text
    return text.replace("\r\n", "\n").rstrip("\n").split("\n"), crlf


def load_catalog(directory, fmt, checker, case):
    """Return {movie_id: (title, genres)} read from the format's movie file."""
    catalog = {}
    if fmt == "ml-csv":
        with open(os.path.join(directory, "movies.csv"), encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        checker.check(f"{case}: movies.csv header", rows[0] == ["movieId", "title", "genres"], rows[0])
        bad = [r for r in rows[1:] if len(r) != 3]
        checker.check(f"{case}: movies.csv has 3 fields per row", not bad, bad[:3])
        for movie_id, title, genres in rows[1:]:
            catalog[int(movie_id)] = (title, genres)
        titles = [t for t, _ in catalog.values()]
        checker.check(f"{case}: some titles hold commas", any("," in t for t in titles), "none found")
        checker.check(f"{case}: some titles hold quotes", any('"' in t for t in titles), "none found")
        unknown = {g for _, gs in catalog.values() for g in gs.split("|")} - ML_CSV_GENRES - {"(no genres listed)"}
        checker.check(f"{case}: genres are MovieLens genres", not unknown, unknown)
    elif fmt == "ml-100k":
        lines, _ = read_lines(os.path.join(directory, "u.item"), "latin-1")
        genre_lines, _ = read_lines(os.path.join(directory, "u.genre"), "latin-1")
        checker.check(f"{case}: u.genre has 19 genres", len(genre_lines) == 19, len(genre_lines))
        checker.check(f"{case}: u.genre starts with unknown|0", genre_lines[0] == "unknown|0", genre_lines[0])
        for line in lines:
            fields = line.split("|")
            if len(fields) != 24 or any(flag not in ("0", "1") for flag in fields[5:]):
                checker.check(f"{case}: u.item rows have 5 fields and 19 flags", False, line)
                return catalog
            catalog[int(fields[0])] = (fields[1], fields[5:])
        checker.check(f"{case}: u.item rows have 5 fields and 19 flags", True, "")
        checker.check(f"{case}: u.item ids are 1..n", sorted(catalog) == list(range(1, len(catalog) + 1)),
                      "gaps in ids")
        with open(os.path.join(directory, "u.item"), "rb") as f:
            raw = f.read()
        checker.check(f"{case}: u.item is Latin-1 with accented titles",
                      any(b >= 0xC0 for b in raw) and b"\xc3\xa9" not in raw, "no Latin-1 bytes, or UTF-8 found")
    else:
        encoding = "latin-1" if fmt == "ml-1m" else "utf-8"
        lines, _ = read_lines(os.path.join(directory, "movies.dat"), encoding)
        for line in lines:
            fields = line.split("::")
            if len(fields) != 3:
                checker.check(f"{case}: movies.dat rows have 3 fields", False, line)
                return catalog
            catalog[int(fields[0])] = (fields[1], fields[2])
            if fmt == "tweetings" and len(fields[0]) != 7:
                checker.check(f"{case}: movie ids have 7 digits", False, fields[0])
                return catalog
        checker.check(f"{case}: movies.dat rows have 3 fields", True, "")
    return catalog


def load_ratings(directory, fmt):
    """Return (rows as (user, movie, rating, timestamp) tuples, CRLF flag, header)."""
    if fmt == "ml-csv":
        lines, crlf = read_lines(os.path.join(directory, "ratings.csv"), "ascii")
        header, lines, sep = lines[0], lines[1:], ","
    elif fmt == "ml-100k":
        lines, crlf = read_lines(os.path.join(directory, "u.data"), "ascii")
        header, sep = None, "\t"
    else:
        lines, crlf = read_lines(os.path.join(directory, "ratings.dat"), "ascii")
        header, sep = None, "::"
    rows = []
    for line in lines:
        u, m, r, t = line.split(sep)
        rows.append((int(u), int(m), r, int(t)))
    return rows, crlf, header


def check_case(binary, directory, case, checker):
    name, args, fmt, n_users, n_movies, n_ratings, order = case
    subprocess.run([binary, *args, "--seed", "7", "--out", directory], check=True, stderr=subprocess.DEVNULL)

    catalog = load_catalog(directory, fmt, checker, name)
    rows, crlf, header = load_ratings(directory, fmt)
    checker.check(f"{name}: movie count", len(catalog) == n_movies, f"expected {n_movies}, got {len(catalog)}")
    checker.check(f"{name}: rating count", len(rows) == n_ratings, f"expected {n_ratings}, got {len(rows)}")
    users = sorted({u for u, _, _, _ in rows})
    checker.check(f"{name}: users are 1..n", users == list(range(1, n_users + 1)),
                  f"expected 1..{n_users}, got {len(users)} users")
    pairs = {(u, m) for u, m, _, _ in rows}
    checker.check(f"{name}: no repeated pair", len(pairs) == len(rows), f"{len(rows) - len(pairs)} repeats")
    missing = {m for _, m, _, _ in rows} - set(catalog)
    checker.check(f"{name}: rated movies are in the catalog", not missing, sorted(missing)[:5])
    if header is not None:
        checker.check(f"{name}: ratings.csv header", header == "userId,movieId,rating,timestamp", header)
    checker.check(f"{name}: line ends", crlf == (name == "ml-latest-small preset"), f"CRLF found: {crlf}")

    key = (lambda row: (row[0], row[1])) if order == "user-movie" else (lambda row: (row[0], row[3], row[1]))
    checker.check(f"{name}: rows sorted by {order}", rows == sorted(rows, key=key), "out of order")

    values = {r for _, _, r, _ in rows}
    if fmt == "ml-csv":
        scale = {f"{x / 2:.1f}" for x in range(1, 11)}
    elif fmt == "ml-10m":
        scale = {str(x // 2) if x % 2 == 0 else f"{x / 2}" for x in range(1, 11)}
    elif fmt == "tweetings":
        scale = {str(x) for x in range(0, 11)}
    else:
        scale = {str(x) for x in range(1, 6)}
    checker.check(f"{name}: ratings on the {fmt} scale", values <= scale and len(values) >= 4,
                  f"values {sorted(values)}")

    # The top movie is capped by the user count, so the tail shows only in sparse data.
    if len(rows) < 0.1 * n_users * n_movies:
        counts = {m: 0 for m in catalog}
        for _, m, _, _ in rows:
            counts[m] += 1
        ordered = sorted(counts.values(), reverse=True)
        top, median = ordered[0], ordered[len(ordered) // 2]
        checker.check(f"{name}: long tail of movie counts", top >= 3 * max(median, 1),
                      f"top movie has {top} ratings, median movie {median}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("--keep", help="write the generated folders here instead of a temporary folder")
    args = parser.parse_args()
    checker = Checker()

    with tempfile.TemporaryDirectory() as temp:
        root = args.keep or temp
        for case in CASES:
            directory = os.path.join(root, case[0].replace(" ", "-"))
            check_case(args.binary, directory, case, checker)

        # Same seed, same bytes; another seed, other bytes.
        outputs = []
        for seed in ("3", "3", "4"):
            directory = os.path.join(root, f"seed-{len(outputs)}")
            subprocess.run([args.binary, "--preset", "ml-100k", "--seed", seed, "--out", directory],
                           check=True, stderr=subprocess.DEVNULL)
            with open(os.path.join(directory, "u.data"), "rb") as f:
                outputs.append(hashlib.sha256(f.read()).hexdigest())
        checker.check("seed: same seed gives same bytes", outputs[0] == outputs[1], outputs[:2])
        checker.check("seed: another seed gives other bytes", outputs[0] != outputs[2], outputs[::2])

        result = subprocess.run([args.binary, "--format", "ml-csv", "--users", "10", "--movies", "5",
                                 "--ratings", "60", "--out", os.path.join(root, "too-many")],
                                stderr=subprocess.PIPE, text=True)
        checker.check("arguments: more ratings than pairs rejected",
                      result.returncode != 0 and "out of range" in result.stderr,
                      f"exit {result.returncode}, stderr {result.stderr.strip()}")

    print(f"{checker.passed} passed, {checker.failed} failed")
    sys.exit(1 if checker.failed else 0)


if __name__ == "__main__":
    main()
