"""SGD throughput of two Python + numpy implementations, for comparison with the C kernels.

Usage: python3 bench/sgd_numpy.py DATA_DIR [--ks 3,32,100] [--loop-epochs 3] [--batch-epochs 20]

DATA_DIR contains a u.data (user TAB movie TAB rating TAB timestamp) written by
`minirec-synth --format ml-100k --users 943 --movies 1682 --ratings 80000 --seed 1`, the data set
that `minirec-bench sgd` builds in memory. Prints one JSON object per line:

  workshop    the per-rating training loop as the workshop this project follows writes it,
              statement for statement: the global generator seeded with np.random.seed, a list
              of (user, movie, rating) tuples of Python ints shuffled with np.random.shuffle,
              rows looked up by index in every expression (U[u], V[m] three times each),
              2 * reg recomputed per step and error**2 summed. This is the loop the targets
              compare against.
  loop        the same algorithm as minirec's exact kernel, one rating at a time: each epoch
              shuffles a Python list of (user, movie, rating) with np.random.shuffle, then for each
              triple computes e = r - np.dot(U[u], V[m]), dU and dV from the factors before the
              step, and U[u] -= lr * dU, V[m] -= lr * dV, looking each row up once. A tuned
              version of the workshop loop. For both loops only a few epochs are timed, each
              on its own, because each takes about a second. The fastest gives the rate.
  minibatch   a numpy-vectorised variant, which is a different algorithm. Each epoch visits the
              ratings in a random order in batches. A batch's errors all use the factors from
              before the batch, and its gradients are summed into U and V with np.add.at. Its RMSE
              after the given epochs is reported beside its speed.

Learning rate 0.01, regularization 0.1 (the workshop settings), factors drawn as 0.1 * randn with seed 42, as in
bench/sgd_bench.c. Epoch RMSE is measured as in the C code: from each error before its update.
"""

import argparse
import json
import math
import os
import time

import numpy as np

LEARNING_RATE = 0.01
REGULARIZATION = 0.1
SEED = 42


def load_triples(data_dir):
    """Read u.data into (user_index, movie_index, rating) arrays, indices by ascending id."""
    raw = np.loadtxt(os.path.join(data_dir, "u.data"), dtype=np.int64, delimiter="\t")
    user_ids, users = np.unique(raw[:, 0], return_inverse=True)
    movie_ids, movies = np.unique(raw[:, 1], return_inverse=True)
    return users, movies, raw[:, 2].astype(np.float64), len(user_ids), len(movie_ids)


def init_factors(n_users, n_movies, k):
    rng = np.random.RandomState(SEED)
    U = 0.1 * rng.randn(n_users, k)
    V = 0.1 * rng.randn(n_movies, k)
    return rng, U, V


def train_workshop_loop(users, movies, ratings, n_users, n_movies, k, epochs):
    """Run the workshop's per-rating loop; return (seconds of the fastest epoch, last epoch RMSE)."""
    np.random.seed(SEED)
    U = 0.1 * np.random.randn(n_users, k)
    V = 0.1 * np.random.randn(n_movies, k)
    # Python ints throughout, as a DataFrame's itertuples() yields for integer columns.
    triples = list(zip(users.tolist(), movies.tolist(), ratings.astype(np.int64).tolist()))
    lr, reg = LEARNING_RATE, REGULARIZATION
    rmse = float("nan")
    fastest = float("inf")
    for _ in range(epochs):
        start = time.perf_counter()
        np.random.shuffle(triples)
        squared = 0.0
        for u, m, r in triples:
            predicted = np.dot(U[u], V[m])
            error = r - predicted
            grad_u = -2 * error * V[m] + 2 * reg * U[u]
            grad_v = -2 * error * U[u] + 2 * reg * V[m]
            U[u] -= lr * grad_u
            V[m] -= lr * grad_v
            squared += error**2
        rmse = float(np.sqrt(squared / len(triples)))
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, rmse


def train_loop(users, movies, ratings, n_users, n_movies, k, epochs):
    """Run plain per-rating SGD; return (seconds of the fastest epoch, last epoch RMSE)."""
    rng, U, V = init_factors(n_users, n_movies, k)
    triples = list(zip(users.tolist(), movies.tolist(), ratings.tolist()))
    lr, two_reg = LEARNING_RATE, 2 * REGULARIZATION
    rmse = float("nan")
    fastest = float("inf")
    for _ in range(epochs):
        start = time.perf_counter()
        rng.shuffle(triples)
        total = 0.0
        for u, m, r in triples:
            Uu, Vm = U[u], V[m]
            e = r - np.dot(Uu, Vm)
            # Both gradients use the factors from before this step.
            dU = -2 * e * Vm + two_reg * Uu
            dV = -2 * e * Uu + two_reg * Vm
            U[u] -= lr * dU
            V[m] -= lr * dV
            total += e * e
        rmse = math.sqrt(total / len(triples))
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, rmse


def train_minibatch(users, movies, ratings, n_users, n_movies, k, epochs, batch_size):
    """Run minibatch SGD with summed gradients; return (seconds, last epoch RMSE)."""
    rng, U, V = init_factors(n_users, n_movies, k)
    n = len(ratings)
    lr, two_reg = LEARNING_RATE, 2 * REGULARIZATION
    rmse = float("nan")
    start = time.perf_counter()
    for _ in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for begin in range(0, n, batch_size):
            batch = order[begin:begin + batch_size]
            u, m, r = users[batch], movies[batch], ratings[batch]
            Uu, Vm = U[u], V[m]
            e = r - np.einsum("ij,ij->i", Uu, Vm)
            dU = -2 * e[:, None] * Vm + two_reg * Uu
            dV = -2 * e[:, None] * Uu + two_reg * Vm
            np.add.at(U, u, -lr * dU)
            np.add.at(V, m, -lr * dV)
            total += float(e @ e)
        rmse = math.sqrt(total / n)
    return time.perf_counter() - start, rmse


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir")
    parser.add_argument("--ks", default="3,32,100", help="latent factor counts, comma-separated")
    parser.add_argument("--loop-epochs", type=int, default=3,
                        help="epochs timed one by one for the per-rating loop; the fastest gives the rate")
    parser.add_argument("--batch-epochs", type=int, default=20, help="epochs for the minibatch variant")
    parser.add_argument("--batch-size", type=int, default=1000, help="ratings per minibatch")
    args = parser.parse_args()

    users, movies, ratings, n_users, n_movies = load_triples(args.data_dir)
    n = len(ratings)
    common = {"ratings": n, "numpy": np.__version__}
    for k in (int(text) for text in args.ks.split(",")):
        seconds, rmse = train_workshop_loop(users, movies, ratings, n_users, n_movies, k, args.loop_epochs)
        print(json.dumps({"bench": "sgd_python", "mode": "workshop", "k": k, "epochs": args.loop_epochs,
                          "fastest_epoch_seconds": round(seconds, 4), "updates_per_second": round(n / seconds),
                          "last_epoch_rmse": round(rmse, 6), **common}), flush=True)
        seconds, rmse = train_loop(users, movies, ratings, n_users, n_movies, k, args.loop_epochs)
        print(json.dumps({"bench": "sgd_python", "mode": "loop", "k": k, "epochs": args.loop_epochs,
                          "fastest_epoch_seconds": round(seconds, 4), "updates_per_second": round(n / seconds),
                          "last_epoch_rmse": round(rmse, 6), **common}), flush=True)
        seconds, rmse = train_minibatch(users, movies, ratings, n_users, n_movies, k, args.batch_epochs,
                                        args.batch_size)
        print(json.dumps({"bench": "sgd_python", "mode": "minibatch", "k": k, "epochs": args.batch_epochs,
                          "batch_size": args.batch_size, "seconds": round(seconds, 4),
                          "updates_per_second": round(n * args.batch_epochs / seconds),
                          "last_epoch_rmse": round(rmse, 6), **common}), flush=True)


if __name__ == "__main__":
    main()
