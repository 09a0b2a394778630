"""Reference recommender pipeline in Python and numpy, and the JSON fixtures the C core must match.

Usage (run with a Python 3 that has numpy):
    python3 tests/reference/reference.py                  compare fresh results with tests/fixtures
    python3 tests/reference/reference.py --write          rewrite builtin.json and rng.json
    add --movielens DIR to also build or compare ml_small_expected.json
    from DIR/ratings.csv and DIR/movies.csv (the MovieLens "ml-latest-small" files).

The arithmetic uses plain Python floats, one IEEE double operation at a time, in the order that the
C code must use. Randomness comes from numpy's legacy RandomState (MT19937 seeded by init_genrand),
and a pure Python port of that generator below is checked against numpy on every run.
The check mode exits with status 1 if a value differs by more than 1e-12 (relative) or a list,
key or integer differs.
"""

import argparse
import csv
import json
import math
import os
import sys

import numpy as np

FIXTURE_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
NO_GENRES = "(no genres listed)"  # MovieLens marker for a movie without genres

# ---------------------------------------------------------------------------------------------
# Built-in data set

MOVIES = [  # (movie_id, title, comma-separated genres), in catalog order
    (1, "The Matrix", "Action,Sci-Fi"),
    (2, "The Matrix Reloaded", "Action,Sci-Fi"),
    (3, "Inception", "Action,Sci-Fi,Thriller"),
    (4, "Interstellar", "Sci-Fi,Drama"),
    (5, "The Notebook", "Romance,Drama"),
    (6, "Crazy, Stupid, Love", "Romance,Comedy"),
    (7, "Toy Story", "Animation,Family,Comedy"),
    (8, "Finding Nemo", "Animation,Family,Adventure"),
]

RATINGS = [  # (user_id, movie_id, rating), in the order of the training triples
    (1, 1, 5.0), (1, 3, 4.0), (1, 4, 4.0),
    (2, 5, 5.0), (2, 6, 4.0), (2, 4, 3.0),
    (3, 7, 5.0), (3, 8, 4.0), (3, 6, 3.0),
    (4, 1, 4.0), (4, 3, 5.0), (4, 7, 4.0),
    (5, 5, 4.0), (5, 6, 5.0), (5, 3, 3.0),
]

TRAIN_PARAMS = {"k": 3, "lr": 0.01, "reg": 0.1, "epochs": 500, "seed": 42, "init_scale": 0.1}
HYBRID_ALPHAS = [0.7, 0.5, 0.0, 1.0]
LIKED_MIN_RATING = 4.0

# ---------------------------------------------------------------------------------------------
# Popularity, genres and content similarity


def build_user_item(ratings):
    """Build the user-item matrix over rated users and rated movies, with None where unrated.

    Returns (user_ids, movie_ids, values), both id lists sorted ascending.
    """
    user_ids = sorted({u for u, _, _ in ratings})
    movie_ids = sorted({m for _, m, _ in ratings})
    values = [[None] * len(movie_ids) for _ in user_ids]
    for u, m, r in ratings:
        values[user_ids.index(u)][movie_ids.index(m)] = r
    return user_ids, movie_ids, values


def popularity(ratings, min_count=1):
    """Compute mean and count per rated movie, sorted by mean descending, then movie id ascending.

    The mean is the sum in rating order divided by the count. Ratings are multiples of 0.5,
    so the sum is exact and the order of summation cannot change the mean.
    """
    sums, counts = {}, {}
    for _, m, r in ratings:
        sums[m] = sums.get(m, 0.0) + r
        counts[m] = counts.get(m, 0) + 1
    rows = [{"movie_id": m, "mean": sums[m] / counts[m], "count": counts[m]}
            for m in counts if counts[m] >= min_count]
    rows.sort(key=lambda row: (-row["mean"], row["movie_id"]))
    return rows


def split_genres(text, separator):
    return [g for g in text.split(separator) if g and g != NO_GENRES]


def cosine_one_hot(genres_a, genres_b):
    """Compute the cosine of two one-hot genre vectors as shared / sqrt(n_a * n_b).

    The result is 0.0 when either movie has no genres.
    """
    if not genres_a or not genres_b:
        return 0.0
    shared = len(set(genres_a) & set(genres_b))
    return shared / math.sqrt(len(genres_a) * len(genres_b))


def top_similar(movie_id, movie_ids, sim_row, n):
    """Return the n movies most similar to movie_id, excluding itself. Ties go to the smaller id."""
    others = [(mid, s) for mid, s in zip(movie_ids, sim_row) if mid != movie_id]
    others.sort(key=lambda pair: (-pair[1], pair[0]))
    return [{"movie_id": mid, "similarity": s} for mid, s in others[:n]]


# ---------------------------------------------------------------------------------------------
# Matrix factorization by stochastic gradient descent


def train_sgd(ratings, k, lr, reg, epochs, seed, init_scale, log_every=0):
    """Fit U (n_users, k) and V (n_movies, k) so that dot(U[u], V[m]) approximates each rating.

    Users and movies are the sorted distinct ids in `ratings`. Each epoch shuffles the Python
    list of (user_index, movie_index, rating) tuples with numpy's legacy shuffle, then runs one
    SGD step per triple. Returns user_ids, movie_ids, U, V and the RMSE of every epoch.
    """
    user_ids = sorted({u for u, _, _ in ratings})
    movie_ids = sorted({m for _, m, _ in ratings})
    user_index = {u: i for i, u in enumerate(user_ids)}
    movie_index = {m: i for i, m in enumerate(movie_ids)}
    triples = [(user_index[u], movie_index[m], r) for u, m, r in ratings]

    # np.random.seed(seed) followed by two randn calls: U's draws, then V's, each row-major.
    rng = np.random.RandomState(seed)
    U = (init_scale * rng.randn(len(user_ids), k)).tolist()
    V = (init_scale * rng.randn(len(movie_ids), k)).tolist()

    two_reg = 2 * reg
    rmse_per_epoch = []
    for epoch in range(1, epochs + 1):
        rng.shuffle(triples)
        total = 0.0
        for u, m, r in triples:
            Uu, Vm = U[u], V[m]
            error = r - dot(Uu, Vm)
            minus_two_error = -2 * error

            # Both gradients use the factors from before this step.
            dU = [minus_two_error * Vm[f] + two_reg * Uu[f] for f in range(k)]
            dV = [minus_two_error * Uu[f] + two_reg * Vm[f] for f in range(k)]
            for f in range(k):
                Uu[f] -= lr * dU[f]
                Vm[f] -= lr * dV[f]

            total += error * error
        rmse_per_epoch.append(math.sqrt(total / len(triples)))
        if log_every and epoch % log_every == 0:
            print(f"Epoch {epoch}/{epochs} - RMSE: {rmse_per_epoch[-1]:.3f}")
    return user_ids, movie_ids, U, V, rmse_per_epoch


def dot(a, b):
    """Compute the dot product as a left-to-right sum from 0.0, with no fused multiply-add."""
    total = 0.0
    for x, y in zip(a, b):
        total += x * y
    return total


# ---------------------------------------------------------------------------------------------
# Hybrid ranking


def hybrid_ranking(user_id, alpha, ratings, catalog_ids, sim, model_users, model_movies, U, V):
    """Score every catalog movie that the user has not rated, and sort best first, ties by movie id.

    score = alpha * cf + (1 - alpha) * (5 * content), where cf is the predicted rating and
    content is the mean similarity to the movies the user rated >= 4 (summed in ascending id
    order, 0 if there are none). A movie outside the model has cf None and the cf term is dropped.
    """
    rated = {m: r for u, m, r in ratings if u == user_id}
    liked = sorted(m for m, r in rated.items() if r >= LIKED_MIN_RATING)
    position = {m: i for i, m in enumerate(catalog_ids)}

    rows = []
    for m in catalog_ids:
        if m in rated:
            continue
        # A plain loop, because sum() of floats is compensated from Python 3.12 on.
        content = 0.0
        for x in liked:
            content += sim[position[m]][position[x]]
        if liked:
            content /= len(liked)
        content_term = (1 - alpha) * (5.0 * content)
        cf = None
        if user_id in model_users and m in model_movies:
            cf = dot(U[model_users.index(user_id)], V[model_movies.index(m)])
        score = content_term if cf is None else alpha * cf + content_term
        rows.append({"movie_id": m, "cf_score": cf, "content_score": content, "score": score})
    rows.sort(key=lambda row: (-row["score"], row["movie_id"]))
    return rows


# ---------------------------------------------------------------------------------------------
# numpy legacy RandomState, ported step by step


class LegacyMT19937:
    """MT19937 with numpy's legacy RandomState seeding, uniform doubles, normals and shuffle."""

    def __init__(self, seed):
        # init_genrand: the classic Matsumoto-Nishimura seeding of a 32-bit seed.
        self.key = [seed & 0xFFFFFFFF]
        for i in range(1, 624):
            prev = self.key[i - 1]
            self.key.append((1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF)
        self.pos = 624  # the first draw regenerates the whole block
        self.has_gauss = False
        self.gauss = 0.0

    def next_uint32(self):
        if self.pos == 624:
            key = self.key
            for i in range(624):
                y = (key[i] & 0x80000000) | (key[(i + 1) % 624] & 0x7FFFFFFF)
                key[i] = key[(i + 397) % 624] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
            self.pos = 0
        y = self.key[self.pos]
        self.pos += 1

        # Tempering.
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y

    def next_double(self):
        """Draw a uniform double in [0, 1) from 53 bits of two 32-bit words."""
        a = self.next_uint32() >> 5
        b = self.next_uint32() >> 6
        return (a * 67108864.0 + b) / 9007199254740992.0

    def next_gauss(self):
        """Draw a standard normal by the Marsaglia polar method.

        Each accepted pair yields two values, so every second call returns the cached one.
        """
        if self.has_gauss:
            self.has_gauss = False
            return self.gauss
        while True:
            x1 = 2.0 * self.next_double() - 1.0
            x2 = 2.0 * self.next_double() - 1.0
            r2 = x1 * x1 + x2 * x2
            if 0.0 < r2 < 1.0:
                break
        f = math.sqrt(-2.0 * math.log(r2) / r2)
        self.gauss = f * x1
        self.has_gauss = True
        return f * x2

    def next_interval(self, max_value):
        """Draw a uniform integer in [0, max_value] by masked rejection sampling.

        The mask covers 32 bits, so max_value must be below 2**32.
        """
        if max_value == 0:
            return 0
        mask = max_value
        for shift in (1, 2, 4, 8, 16):
            mask |= mask >> shift
        while True:
            value = self.next_uint32() & mask
            if value <= max_value:
                return value

    def shuffle(self, items):
        """Shuffle in place by Fisher-Yates from the last index down, as RandomState.shuffle does."""
        for i in range(len(items) - 1, 0, -1):
            j = self.next_interval(i)
            items[i], items[j] = items[j], items[i]


def build_rng_fixture(seed=42, count=20):
    """Record numpy's legacy streams for `seed`, asserting the Python port reproduces each one."""
    state = np.random.RandomState(seed).get_state()
    port = LegacyMT19937(seed)
    assert state[0] == "MT19937", state[0]
    assert state[2] == 624, state[2]
    assert [int(w) for w in state[1]] == port.key, "legacy seeding differs from init_genrand"

    # RandomState.randint over the full uint32 range returns the raw generator words unchanged.
    raw = [int(w) for w in np.random.RandomState(seed).randint(0, 2**32, size=count, dtype=np.uint32)]
    assert raw == [port.next_uint32() for _ in range(count)], "raw uint32 stream"

    uniform = np.random.RandomState(seed).random_sample(count).tolist()
    port = LegacyMT19937(seed)
    assert uniform == [port.next_double() for _ in range(count)], "random_sample stream"

    normal = np.random.RandomState(seed).randn(count).tolist()
    port = LegacyMT19937(seed)
    assert normal == [port.next_gauss() for _ in range(count)], "randn stream"

    rng, port = np.random.RandomState(seed), LegacyMT19937(seed)
    items, port_items, shuffles = list(range(15)), list(range(15)), []
    for _ in range(5):
        rng.shuffle(items)
        port.shuffle(port_items)
        assert items == port_items, "shuffle of list(range(15))"
        shuffles.append(list(items))

    # The training start: randn(5, 3), randn(7, 3), then one shuffle of the 15 triples. The 15th
    # normal leaves a cached value that V's first entry uses; the shuffle reads raw words only.
    rng, port = np.random.RandomState(seed), LegacyMT19937(seed)
    init = np.concatenate([rng.randn(5, 3).ravel(), rng.randn(7, 3).ravel()]).tolist()
    assert init == [port.next_gauss() for _ in range(36)], "randn(5, 3) then randn(7, 3)"
    first_epoch = list(range(15))
    rng.shuffle(first_epoch)
    port_order = list(range(15))
    port.shuffle(port_order)
    assert first_epoch == port_order, "shuffle after the factor initialization"

    return {
        "seed": seed,
        "seeding": "init_genrand: key[0] = seed, key[i] = (1812433253 * (key[i-1] ^ (key[i-1] >> 30)) + i)"
                   " mod 2**32, pos = 624",
        "key_first4": [int(w) for w in state[1][:4]],
        "key_last": int(state[1][623]),
        "raw_uint32": raw,
        "random_sample": uniform,
        "randn": normal,
        "shuffle_range15_successive": shuffles,
        "randn_5x3_then_7x3": init,
        "shuffle_range15_after_init": first_epoch,
    }


# ---------------------------------------------------------------------------------------------
# Fixtures


def build_builtin_fixture():
    catalog_ids = [m for m, _, _ in MOVIES]
    genres_by_movie = [split_genres(g, ",") for _, _, g in MOVIES]
    vocabulary = sorted({g for genres in genres_by_movie for g in genres})
    one_hot = [[1 if g in genres else 0 for g in vocabulary] for genres in genres_by_movie]
    sim = [[cosine_one_hot(a, b) for b in genres_by_movie] for a in genres_by_movie]

    user_ids, movie_ids, values = build_user_item(RATINGS)
    p = TRAIN_PARAMS
    model_users, model_movies, U, V, rmse = train_sgd(
        RATINGS, p["k"], p["lr"], p["reg"], p["epochs"], p["seed"], p["init_scale"], log_every=100)
    predictions = [[dot(Uu, Vm) for Vm in V] for Uu in U]

    hybrid = {}
    for user in range(1, 6):
        hybrid[str(user)] = {
            repr(alpha): hybrid_ranking(user, alpha, RATINGS, catalog_ids, sim,
                                        model_users, model_movies, U, V)
            for alpha in HYBRID_ALPHAS
        }

    return {
        "movies": [{"movie_id": m, "title": t, "genres": g} for m, t, g in MOVIES],
        "ratings": [{"user_id": u, "movie_id": m, "rating": r} for u, m, r in RATINGS],
        "user_item": {"user_ids": user_ids, "movie_ids": movie_ids, "values": values},
        "popularity": popularity(RATINGS),
        "genres": vocabulary,
        "one_hot": one_hot,
        "similarity": sim,
        "similar_top3": {str(m): top_similar(m, catalog_ids, sim[i], 3) for i, m in enumerate(catalog_ids)},
        "similar_top7": {str(m): top_similar(m, catalog_ids, sim[i], 7) for i, m in enumerate(catalog_ids)},
        "train": {"params": p, "user_ids": model_users, "movie_ids": model_movies,
                  "rmse": rmse, "U": U, "V": V},
        "predictions": predictions,
        "hybrid": hybrid,
    }


def build_ml_small_fixture(data_dir, sgd_epochs=3):
    with open(os.path.join(data_dir, "ratings.csv"), newline="", encoding="utf-8") as f:
        ratings = [(int(row["userId"]), int(row["movieId"]), float(row["rating"]))
                   for row in csv.DictReader(f)]
    with open(os.path.join(data_dir, "movies.csv"), newline="", encoding="utf-8") as f:
        movies = [(int(row["movieId"]), split_genres(row["genres"], "|")) for row in csv.DictReader(f)]

    catalog_ids = [m for m, _ in movies]
    genres_by_id = dict(movies)
    similar_top5 = {}
    for target in (1, 2571):
        row = [cosine_one_hot(genres_by_id[target], genres) for _, genres in movies]
        similar_top5[str(target)] = top_similar(target, catalog_ids, row, 5)

    p = TRAIN_PARAMS
    model_users, model_movies, U, V, rmse = train_sgd(
        ratings, p["k"], p["lr"], p["reg"], sgd_epochs, p["seed"], p["init_scale"])
    user_row = U[model_users.index(1)]
    predictions = [{"user_id": 1, "movie_id": m, "prediction": dot(user_row, V[model_movies.index(m)])}
                   for m in (1, 2571, 318)]

    return {
        "n_users": len(model_users),
        "n_movies": len(movies),
        "n_ratings": len(ratings),
        "n_rated_movies": len(model_movies),
        "popularity_top10": popularity(ratings)[:10],
        "popularity_min50_top10": popularity(ratings, min_count=50)[:10],
        "genres": sorted({g for _, genres in movies for g in genres}),
        "similar_top5": similar_top5,
        "train": {"params": dict(p, epochs=sgd_epochs), "rmse": rmse},
        "predictions": predictions,
    }


# ---------------------------------------------------------------------------------------------
# Comparison and command line


def find_differences(expected, actual, path="$", rel_tol=1e-12):
    """List the paths where two JSON values differ. Floats may differ by rel_tol relative."""
    if isinstance(expected, float) or isinstance(actual, float):
        if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
            if abs(expected - actual) <= rel_tol * max(1.0, abs(expected), abs(actual)):
                return []
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    if isinstance(expected, dict) and isinstance(actual, dict):
        if sorted(expected) != sorted(actual):
            return [f"{path}: expected keys {sorted(expected)}, got {sorted(actual)}"]
        return [d for key in expected for d in find_differences(expected[key], actual[key], f"{path}.{key}")]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: expected {len(expected)} items, got {len(actual)}"]
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in find_differences(e, a, f"{path}[{i}]")]
    if expected != actual or type(expected) is not type(actual):
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []


def write_or_check(name, fixture, write):
    """Write fixture to tests/fixtures/name, or compare it with the stored file.

    Returns False if the stored file is missing or differs, else True.
    """
    path = os.path.join(FIXTURE_DIR, name)
    if write:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(fixture, f, indent=1, allow_nan=False)
            f.write("\n")
        print(f"wrote {path}")
        return True
    try:
        with open(path, encoding="utf-8") as f:
            stored = json.load(f)
    except FileNotFoundError:
        print(f"FAIL {name}: {path} not found; run with --write to create it")
        return False
    # A JSON round trip makes tuples lists and dict keys strings, as in the stored file.
    differences = find_differences(stored, json.loads(json.dumps(fixture)))
    for line in differences[:20]:
        print(f"FAIL {name}: {line}")
    if len(differences) > 20:
        print(f"FAIL {name}: {len(differences) - 20} more differences")
    if not differences:
        print(f"ok {name}")
    return not differences


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the fixtures instead of comparing")
    parser.add_argument("--check", action="store_true", help="compare with the stored fixtures (the default)")
    parser.add_argument("--movielens", metavar="DIR",
                        help="directory with MovieLens ml-latest-small ratings.csv and movies.csv")
    args = parser.parse_args()
    if args.write and args.check:
        parser.error("use either --write or --check, not both")

    results = [
        write_or_check("rng.json", build_rng_fixture(), args.write),
        write_or_check("builtin.json", build_builtin_fixture(), args.write),
    ]
    if args.movielens:
        results.append(write_or_check("ml_small_expected.json", build_ml_small_fixture(args.movielens), args.write))
    else:
        print("skipped ml_small_expected.json: pass --movielens DIR to build or check it")

    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
