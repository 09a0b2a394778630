// formats.js: the rating-data file kinds the C parser reads (mr_file_kind in
// include/minirec.h), how to tell them apart by name or first line, and in
// which order to parse them. No DOM use.

/** mr_file_kind values. MOVIES and RATINGS are the MovieLens CSV files. */
export const FILE_KIND = Object.freeze({
  AUTO: 0,
  MOVIES: 1,
  RATINGS: 2,
  MOVIES_DAT: 3,
  RATINGS_DAT: 4,
  ML100K_DATA: 5,
  ML100K_ITEM: 6,
  ML100K_GENRE: 7,
});

/** Contribution of a file of each kind to a data set. */
export const ROLE = Object.freeze({ RATINGS: 'ratings', MOVIES: 'movies', GENRES: 'genres' });

// Labels describe the format without the usual file name, because messages
// put them beside the name of the file at hand ("movies.dat (movie::title::genres lines, …)").
const KIND_INFO = Object.freeze({
  [FILE_KIND.MOVIES]: { role: ROLE.MOVIES, label: 'MovieLens movies CSV', csv: true },
  [FILE_KIND.RATINGS]: { role: ROLE.RATINGS, label: 'MovieLens ratings CSV', csv: true },
  [FILE_KIND.MOVIES_DAT]: { role: ROLE.MOVIES, label: 'movie::title::genres lines', csv: false },
  [FILE_KIND.RATINGS_DAT]: { role: ROLE.RATINGS, label: 'user::movie::rating::timestamp lines', csv: false },
  [FILE_KIND.ML100K_DATA]: { role: ROLE.RATINGS, label: 'MovieLens 100K ratings (u.data)', csv: false },
  [FILE_KIND.ML100K_ITEM]: { role: ROLE.MOVIES, label: 'MovieLens 100K movies (u.item)', csv: false },
  [FILE_KIND.ML100K_GENRE]: { role: ROLE.GENRES, label: 'MovieLens 100K genre names (u.genre)', csv: false },
});

/** Parsing order by role: genre names before u.item, movies before ratings. */
const ROLE_ORDER = [ROLE.GENRES, ROLE.MOVIES, ROLE.RATINGS];

/** The file names that decide the kind on their own (any folder, any letter case). */
const KIND_BY_NAME = Object.freeze({
  'movies.csv': FILE_KIND.MOVIES,
  'ratings.csv': FILE_KIND.RATINGS,
  'movies.dat': FILE_KIND.MOVIES_DAT,
  'ratings.dat': FILE_KIND.RATINGS_DAT,
  'u.data': FILE_KIND.ML100K_DATA,
  'u.item': FILE_KIND.ML100K_ITEM,
  'u.genre': FILE_KIND.ML100K_GENRE,
});

/** Returns the role of a kind (ROLE.*), or null for AUTO and unknown values. */
export function roleOf(kind) {
  return KIND_INFO[kind]?.role ?? null;
}

/** Returns a short description of a kind for messages. */
export function kindLabel(kind) {
  return KIND_INFO[kind]?.label ?? 'unknown format';
}

/** True for the kinds the first core builds read: MovieLens CSV. */
export function isCsvKind(kind) {
  return KIND_INFO[kind]?.csv === true;
}

/** Returns the last path component: "ml-25m/ratings.csv" -> "ratings.csv". */
export function baseName(name) {
  return String(name).split(/[\\/]/).pop();
}

/** Returns the kind fixed by a file name, or FILE_KIND.AUTO. */
export function kindFromName(name) {
  return KIND_BY_NAME[baseName(name).toLowerCase()] ?? FILE_KIND.AUTO;
}

/**
 * Guesses whether CSV bytes are a MovieLens movies or ratings file from the
 * header line. Returns FILE_KIND.MOVIES, FILE_KIND.RATINGS or 0 when unknown.
 */
export function detectFileKind(headBytes) {
  const text = new TextDecoder().decode(headBytes.subarray(0, Math.min(headBytes.length, 256)));
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0].trim().toLowerCase();
  if (header.startsWith('movieid,title')) return FILE_KIND.MOVIES;
  if (header.startsWith('userid,movieid,rating')) return FILE_KIND.RATINGS;
  return FILE_KIND.AUTO;
}

const isNumber = (field) => field.trim() !== '' && Number.isFinite(Number(field));

/**
 * Guesses the kind from the first non-empty line, for cores that cannot
 * detect it themselves: a CSV header, then "::", tab or "|" separated fields.
 * Returns FILE_KIND.AUTO when the line matches no format.
 */
export function kindFromFirstLine(headBytes) {
  const csv = detectFileKind(headBytes);
  if (csv) return csv;
  const text = new TextDecoder('latin1').decode(headBytes.subarray(0, Math.min(headBytes.length, 4096)));
  const line = text.replace(/^\uFEFF/, '').split(/\r?\n/).find((candidate) => candidate.trim() !== '') ?? '';
  if (line.includes('::')) {
    const fields = line.split('::');
    if (fields.length === 4 && fields.every(isNumber)) return FILE_KIND.RATINGS_DAT;
    if (fields.length === 3 && isNumber(fields[0])) return FILE_KIND.MOVIES_DAT;
    return FILE_KIND.AUTO;
  }
  if (line.includes('\t')) {
    const fields = line.split('\t');
    return fields.length >= 3 && fields.length <= 4 && fields.every(isNumber) ? FILE_KIND.ML100K_DATA : FILE_KIND.AUTO;
  }
  if (line.includes('|')) {
    const fields = line.split('|');
    if (fields.length === 2 && isNumber(fields[1])) return FILE_KIND.ML100K_GENRE;
    if (fields.length >= 6 && isNumber(fields[0])) return FILE_KIND.ML100K_ITEM;
  }
  return FILE_KIND.AUTO;
}

/**
 * Names that come with the releases but hold no ratings, movies or genre
 * names (tags, links, users, train/test splits, README). Such members of a
 * .zip are skipped quietly.
 */
export function isKnownExtra(name) {
  const base = baseName(name).toLowerCase();
  return /^(tags|links|genome-scores|genome-tags|users)\.(csv|dat)$/.test(base) ||
    /^u\.(info|occupation|user)$/.test(base) ||
    /^u[a-e0-9]+\.(base|test)$/.test(base) ||
    /^(readme|license)/.test(base) ||
    /\.(txt|html?|md|pl|sh|py)$/.test(base) ||
    base === 'allbut.pl' || base === 'mku.sh' ||
    base.startsWith('._') || String(name).startsWith('__MACOSX/');
}

/** Sorts planned files into parsing order by role; the sort is stable. */
export function sortForParsing(files) {
  return [...files].sort((a, b) => ROLE_ORDER.indexOf(roleOf(a.kind)) - ROLE_ORDER.indexOf(roleOf(b.kind)));
}
