#!/bin/sh
# Generates a small synthetic data set in every release format and checks that
# the CLI reads each one (format detected from the files) and ranks movies.
# Usage: synth_formats.sh MINIREC_SYNTH MINIREC
set -eu
synth=$1
minirec=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

check() {
  format=$1
  shift
  out=$("$minirec" recommend --user 1 --top 3 --json "$@") || {
    echo "FAIL $format: minirec exited with an error" >&2
    exit 1
  }
  rows=$(printf '%s' "$out" | grep -o '"movie_id"' | wc -l)
  if [ "$rows" -ne 3 ]; then
    echo "FAIL $format: expected 3 recommendations, got $rows: $out" >&2
    exit 1
  fi
  echo "ok $format"
}

for format in ml-csv ml-100k ml-1m ml-10m tweetings; do
  "$synth" --format "$format" --users 50 --movies 120 --ratings 2000 --seed 3 --out "$dir/$format" >/dev/null
done
"$synth" --format ml-csv --users 50 --movies 120 --ratings 2000 --seed 3 --crlf --out "$dir/ml-csv-crlf" >/dev/null

check ml-csv --ratings "$dir/ml-csv/ratings.csv" --movies "$dir/ml-csv/movies.csv"
check ml-csv-crlf --ratings "$dir/ml-csv-crlf/ratings.csv" --movies "$dir/ml-csv-crlf/movies.csv"
check ml-100k --ratings "$dir/ml-100k/u.data" --movies "$dir/ml-100k/u.item" --genres "$dir/ml-100k/u.genre"
check ml-1m --ratings "$dir/ml-1m/ratings.dat" --movies "$dir/ml-1m/movies.dat"
check ml-10m --ratings "$dir/ml-10m/ratings.dat" --movies "$dir/ml-10m/movies.dat"
check tweetings --ratings "$dir/tweetings/ratings.dat" --movies "$dir/tweetings/movies.dat"
echo "6 passed, 0 failed"
