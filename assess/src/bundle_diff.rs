//! What changed between two builds: every asset matched across content
//! hashes, each entry and route's weight, and the packages and modules
//! behind the change (source-map attribution of both builds).
//!
//! Matching: the bundler's hash is taken out of every path ([`strip_hash`],
//! or a configured pattern) and assets with the same remainder are paired.
//! When several assets of one build share a remainder (esbuild's
//! `chunk-[hash].js`, Vite's many `index-[hash].js`), they are paired by the
//! source modules they hold (most shared bytes first); what is left is added
//! or removed. Only what users download counts: source maps and bundler
//! metadata are left out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use model::analyze::AnalyzeReport;
use model::assessment::{
    AssetChange, AssetStatus, BundleDiff, EntryChange, FoldedChanges, LazyChunkChange, Move, Mover,
    MoverKind, SizePair,
};
use model::bundle::{Asset, BundleReport, LazyChunk};

/// Changes smaller than this (gzip bytes, else raw) fold into one line.
pub const DEFAULT_FOLD_BYTES: u64 = 100;

/// How many packages and modules [`BundleDiff::movers`] keeps.
pub const MOVERS: usize = 10;

/// How assets are matched and what is folded.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// A pattern whose matches are the hash in asset paths (replaces the
    /// built-in rules).
    pub hash_pattern: Option<regex::Regex>,
    /// Fold changes smaller than this (gzip, else raw); `None`: the default.
    pub fold_bytes: Option<u64>,
}

/// Whether `token` looks like a content hash rather than a word.
fn hashy(token: &str) -> bool {
    let n = token.len();
    if n < 8
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return false;
    }
    let digit = token.bytes().any(|b| b.is_ascii_digit());
    let upper = token.bytes().any(|b| b.is_ascii_uppercase());
    let lower = token.bytes().any(|b| b.is_ascii_lowercase());
    let hex = token.bytes().all(|b| b.is_ascii_hexdigit());
    if hex && digit {
        return true;
    }
    // A word: `Settings`, `HomePage`, `vendor`, `polyfills`.
    let word = {
        let mut chars = token.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
        let mut prev_upper = true;
        let mut ok = first_ok;
        for c in token.chars().skip(1) {
            if c.is_ascii_uppercase() {
                if prev_upper {
                    ok = false;
                }
                prev_upper = true;
            } else if c.is_ascii_lowercase() {
                prev_upper = false;
            } else {
                ok = false;
            }
        }
        ok
    };
    if word {
        return false;
    }
    // Vite/Rollup and esbuild: 8 characters of base64url / base32; Next.js
    // build ids and long hashes: 16 and more.
    (n == 8 || n >= 16) && (digit as u8 + upper as u8 + lower as u8 >= 2 || (upper && n == 8))
}

/// `path` with the bundler's hash replaced by `[hash]`: `assets/index-42CCVWIX.js`
/// → `assets/index-[hash].js`, `static/js/main.1a2b3c4d.js` →
/// `static/js/main.[hash].js`, `_next/static/chunks/pages/index-2f8a9b7c1d3e4f50.js`
/// → `…/index-[hash].js`, `_next/static/<build id>/_buildManifest.js` →
/// `_next/static/[hash]/_buildManifest.js`.
pub fn strip_hash(path: &str, pattern: Option<&regex::Regex>) -> String {
    if let Some(re) = pattern {
        return re.replace_all(path, "[hash]").into_owned();
    }
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    segments
        .iter()
        .enumerate()
        .map(|(i, segment)| {
            if i < last {
                if segment.len() >= 16 && hashy(segment) {
                    "[hash]".to_string()
                } else {
                    segment.to_string()
                }
            } else {
                strip_file_name(segment)
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn strip_file_name(name: &str) -> String {
    // Vite/Rollup/esbuild: `name-[hash].ext` where the hash may hold `-`/`_`.
    if let Some(dot) = name.find('.').filter(|d| *d >= 9) {
        let stem = &name[..dot];
        let candidate = &stem[stem.len() - 8..];
        if stem.as_bytes()[stem.len() - 9] == b'-' && hashy(candidate) {
            return format!("{}-[hash]{}", &stem[..stem.len() - 9], &name[dot..]);
        }
    }
    // webpack, Rspack, Next.js, CRA: hashes between `.` or after `-`.
    let mut out = String::with_capacity(name.len());
    let mut token = String::new();
    for c in name.chars() {
        if c == '.' || c == '-' {
            out.push_str(if hashy(&token) { "[hash]" } else { &token });
            token.clear();
            out.push(c);
        } else {
            token.push(c);
        }
    }
    // The extension is never a hash.
    out.push_str(&token);
    out
}

/// What users download: source maps and bundler metadata are left out.
fn shipped(bundle: &BundleReport) -> impl Iterator<Item = &Asset> {
    bundle.assets.iter().filter(|a| a.asset_type.is_shipped())
}

fn sizes(a: &Asset) -> (u64, Option<u64>, Option<u64>) {
    (a.raw, a.gzip, a.brotli)
}

/// Shared attributed bytes of two assets (how alike their contents are).
fn overlap(a: &Asset, b: &Asset) -> u64 {
    let theirs: HashMap<&str, u64> = b
        .sources
        .iter()
        .map(|s| (s.source.as_str(), s.bytes))
        .collect();
    a.sources
        .iter()
        .filter_map(|s| theirs.get(s.source.as_str()).map(|t| s.bytes.min(*t)))
        .sum()
}

/// A stripped name with its asset in the baseline and in the head.
type AssetPair<'a> = (String, Option<&'a Asset>, Option<&'a Asset>);

/// Pairs base and head assets: by stripped name, then by shared sources.
fn pair<'a>(
    base: &'a BundleReport,
    head: &'a BundleReport,
    pattern: Option<&regex::Regex>,
) -> Vec<AssetPair<'a>> {
    let mut by_key: BTreeMap<String, (Vec<&'a Asset>, Vec<&'a Asset>)> = BTreeMap::new();
    for a in shipped(base) {
        by_key
            .entry(strip_hash(&a.path, pattern))
            .or_default()
            .0
            .push(a);
    }
    for a in shipped(head) {
        by_key
            .entry(strip_hash(&a.path, pattern))
            .or_default()
            .1
            .push(a);
    }
    let mut out = Vec::new();
    for (key, (mut b, mut h)) in by_key {
        if b.len() == 1 && h.len() == 1 {
            out.push((key, b.pop(), h.pop()));
            continue;
        }
        // Same path on both sides first (unhashed names), then most shared bytes.
        let mut candidates: Vec<(u64, bool, usize, usize)> = Vec::new();
        for (i, x) in b.iter().enumerate() {
            for (j, y) in h.iter().enumerate() {
                let same = x.path == y.path;
                let shared = overlap(x, y);
                if same || shared > 0 {
                    candidates.push((shared, same, i, j));
                }
            }
        }
        candidates.sort_by(|p, q| (q.1, q.0, p.2, p.3).cmp(&(p.1, p.0, q.2, q.3)));
        let mut used_b = vec![false; b.len()];
        let mut used_h = vec![false; h.len()];
        for (_, _, i, j) in candidates {
            if !used_b[i] && !used_h[j] {
                used_b[i] = true;
                used_h[j] = true;
                out.push((key.clone(), Some(b[i]), Some(h[j])));
            }
        }
        // Without source maps to tell them apart: the closest sizes (an
        // unchanged chunk is the same size), so it never shows as one
        // removed and one added.
        for (i, j) in by_size(&b, &h, &used_b, &used_h) {
            used_b[i] = true;
            used_h[j] = true;
            out.push((key.clone(), Some(b[i]), Some(h[j])));
        }
        for (i, x) in b.iter().enumerate() {
            if !used_b[i] {
                out.push((key.clone(), Some(*x), None));
            }
        }
        for (j, y) in h.iter().enumerate() {
            if !used_h[j] {
                out.push((key.clone(), None, Some(*y)));
            }
        }
    }
    pair_leftovers(out)
}

/// Mapped bytes of an asset (what its source map attributes).
fn mapped(a: &Asset) -> u64 {
    a.sources.iter().map(|s| s.bytes).sum()
}

/// The file extension (`.js`, `.css`), empty without one.
fn extension(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rfind('.').map_or("", |dot| &name[dot..])
}

/// `path` without a trailing `-` and 8 characters before the extension
/// (Vite's hash, also when it reads like a word: `landing-BzlyYosz.js`).
fn loose_key(path: &str) -> Option<String> {
    let ext = extension(path);
    let stem = &path[..path.len() - ext.len()];
    let cut = stem.len().checked_sub(9)?;
    let (name, hash) = stem.split_at(cut);
    let hash = &hash[1..];
    (stem.as_bytes()[cut] == b'-'
        && !name.ends_with('/')
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
    .then(|| format!("{name}-[hash]{ext}"))
}

/// Pairs what the names left removed and added, by content: the assets of
/// one type that hold mostly the same modules (shared attributed bytes at
/// least half of the smaller one's), most shared first; then, without
/// source maps, the only removed and the only added asset with one name
/// once a Vite-style hash is cut (a hash the name rules took for a word).
fn pair_leftovers(pairs: Vec<AssetPair<'_>>) -> Vec<AssetPair<'_>> {
    let (mut out, mut removed, mut added) = (Vec::new(), Vec::new(), Vec::new());
    for p in pairs {
        match p {
            (_, Some(b), None) => removed.push(Some((p.0, b))),
            (_, None, Some(h)) => added.push(Some((p.0, h))),
            _ => out.push(p),
        }
    }
    let mut candidates: Vec<(u64, usize, usize)> = Vec::new();
    for (i, (_, b)) in removed
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, r.as_ref()?)))
    {
        for (j, (_, h)) in added
            .iter()
            .enumerate()
            .filter_map(|(j, a)| Some((j, a.as_ref()?)))
        {
            let shared = overlap(b, h);
            let same_kind =
                b.asset_type == h.asset_type && extension(&b.path) == extension(&h.path);
            if same_kind && shared > 0 && shared * 2 >= mapped(b).min(mapped(h)) {
                candidates.push((shared, i, j));
            }
        }
    }
    candidates.sort_by(|p, q| q.0.cmp(&p.0).then((p.1, p.2).cmp(&(q.1, q.2))));
    for (_, i, j) in candidates {
        if removed[i].is_some() && added[j].is_some() {
            let (_, b) = removed[i].take().expect("checked");
            let (key, h) = added[j].take().expect("checked");
            out.push((key, Some(b), Some(h)));
        }
    }
    let mut by_loose: BTreeMap<String, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (i, r) in removed.iter().enumerate() {
        if let Some(k) = r.as_ref().and_then(|(_, b)| loose_key(&b.path)) {
            by_loose.entry(k).or_default().0.push(i);
        }
    }
    for (j, a) in added.iter().enumerate() {
        if let Some(k) = a.as_ref().and_then(|(_, h)| loose_key(&h.path)) {
            by_loose.entry(k).or_default().1.push(j);
        }
    }
    for (i, j) in by_loose
        .into_values()
        .filter_map(|(r, a)| match (r.as_slice(), a.as_slice()) {
            (&[i], &[j]) => Some((i, j)),
            _ => None,
        })
    {
        let (_, b) = removed[i].take().expect("one each");
        let (key, h) = added[j].take().expect("one each");
        out.push((key, Some(b), Some(h)));
    }
    out.extend(
        removed
            .into_iter()
            .flatten()
            .map(|(k, b)| (k, Some(b), None)),
    );
    out.extend(added.into_iter().flatten().map(|(k, h)| (k, None, Some(h))));
    out
}

/// Pairs of the assets still unpaired, closest raw sizes first (ties: by
/// index), each asset at most once.
fn by_size(b: &[&Asset], h: &[&Asset], used_b: &[bool], used_h: &[bool]) -> Vec<(usize, usize)> {
    let mut candidates: Vec<(u64, usize, usize)> = Vec::new();
    for (i, x) in b.iter().enumerate().filter(|(i, _)| !used_b[*i]) {
        for (j, y) in h.iter().enumerate().filter(|(j, _)| !used_h[*j]) {
            candidates.push((x.raw.abs_diff(y.raw), i, j));
        }
    }
    candidates.sort();
    let (mut taken_b, mut taken_h) = (vec![false; b.len()], vec![false; h.len()]);
    let mut out = Vec::new();
    for (_, i, j) in candidates {
        if !taken_b[i] && !taken_h[j] {
            taken_b[i] = true;
            taken_h[j] = true;
            out.push((i, j));
        }
    }
    out
}

/// Entries that load `path` (up front or on demand).
fn loaded_by(bundle: &BundleReport, path: &str) -> Vec<String> {
    bundle
        .entries
        .iter()
        .filter(|e| e.assets.iter().chain(&e.lazy).any(|a| a == path))
        .map(|e| e.name.clone())
        .collect()
}

/// The differences between `base` and `head`; `source` is the head's source
/// analysis (it tells which project modules import a package).
pub fn diff(
    base: &BundleReport,
    head: &BundleReport,
    source: Option<&AnalyzeReport>,
    options: &DiffOptions,
) -> BundleDiff {
    let fold = options.fold_bytes.unwrap_or(DEFAULT_FOLD_BYTES);
    let gzip_both = shipped(base).chain(shipped(head)).all(|a| a.gzip.is_some());
    let brotli_both = shipped(base)
        .chain(shipped(head))
        .all(|a| a.brotli.is_some());
    let mut assets = Vec::new();
    let mut folded = FoldedChanges {
        threshold: fold,
        ..FoldedChanges::default()
    };
    let mut unchanged = 0;
    let pairs = pair(base, head, options.hash_pattern.as_ref());
    for (key, b, h) in pairs.iter().cloned() {
        let (braw, bgz, bbr) = b.map(sizes).unwrap_or_default();
        let (hraw, hgz, hbr) = h.map(sizes).unwrap_or_default();
        let status = match (b, h) {
            (Some(_), None) => AssetStatus::Removed,
            (None, Some(_)) => AssetStatus::Added,
            _ if braw == hraw && bgz == hgz => {
                unchanged += 1;
                continue;
            }
            _ => AssetStatus::Changed,
        };
        let pick = |both: bool, v: Option<u64>, side: bool| if both && side { v } else { None };
        let change = AssetChange {
            key,
            base_path: b.map(|a| a.path.clone()),
            head_path: h.map(|a| a.path.clone()),
            status,
            initial: h.or(b).is_some_and(|a| a.initial),
            raw: SizePair {
                base: b.map(|_| braw),
                head: h.map(|_| hraw),
            },
            gzip: SizePair {
                base: pick(gzip_both, bgz, b.is_some()),
                head: pick(gzip_both, hgz, h.is_some()),
            },
            brotli: SizePair {
                base: pick(brotli_both, bbr, b.is_some()),
                head: pick(brotli_both, hbr, h.is_some()),
            },
            loaded_by: match h {
                Some(a) => loaded_by(head, &a.path),
                None => b.map(|a| loaded_by(base, &a.path)).unwrap_or_default(),
            },
        };
        let weight = if gzip_both {
            change.gzip.delta()
        } else {
            change.raw.delta()
        };
        if weight.unsigned_abs() < fold {
            folded.count += 1;
            folded.raw += change.raw.delta();
            folded.gzip += change.gzip.delta();
        } else {
            assets.push(change);
        }
    }
    let weight = |c: &AssetChange| {
        if gzip_both {
            c.gzip.delta()
        } else {
            c.raw.delta()
        }
        .unsigned_abs()
    };
    assets.sort_by(|a, b| {
        weight(b)
            .cmp(&weight(a))
            .then_with(|| a.key.cmp(&b.key))
            .then_with(|| a.head_path.cmp(&b.head_path))
    });
    BundleDiff {
        assets,
        folded,
        unchanged,
        entries: entries(base, head),
        movers: movers(base, head, source, fold),
        lazy_chunks: lazy_chunks(base, head, &pairs, source),
        moves: moves(&pairs, fold, gzip_both),
    }
}

/// Each lazily loaded chunk of either build, matched by the module it is
/// built from, else by the asset pairing.
fn lazy_chunks(
    base: &BundleReport,
    head: &BundleReport,
    pairs: &[AssetPair<'_>],
    source: Option<&AnalyzeReport>,
) -> Vec<LazyChunkChange> {
    let gzip = base
        .lazy_chunks
        .iter()
        .chain(&head.lazy_chunks)
        .all(|l| l.sizes.gzip.is_some());
    let load = |l: &LazyChunk| {
        if gzip {
            l.sizes.gzip.unwrap_or(0)
        } else {
            l.sizes.raw
        }
    };
    let head_of: HashMap<&str, &str> = pairs
        .iter()
        .filter_map(|(_, b, h)| Some((b.as_ref()?.path.as_str(), h.as_ref()?.path.as_str())))
        .collect();
    let mut used = vec![false; base.lazy_chunks.len()];
    let mut matched: Vec<(Option<&LazyChunk>, Option<&LazyChunk>)> = Vec::new();
    for h in &head.lazy_chunks {
        let found = base.lazy_chunks.iter().enumerate().position(|(i, b)| {
            !used[i]
                && ((b.module.is_some() && b.module == h.module)
                    || head_of.get(b.asset.as_str()) == Some(&h.asset.as_str()))
        });
        if let Some(i) = found {
            used[i] = true;
        }
        matched.push((found.map(|i| &base.lazy_chunks[i]), Some(h)));
    }
    for (i, b) in base.lazy_chunks.iter().enumerate() {
        if !used[i] {
            matched.push((Some(b), None));
        }
    }
    let mut out: Vec<LazyChunkChange> = matched
        .into_iter()
        .filter_map(|(b, h)| {
            let either = h.or(b)?;
            let name = either
                .module
                .clone()
                .unwrap_or_else(|| strip_hash(&either.asset, None));
            let mut imported_by = match (source, &either.module) {
                (Some(s), Some(module)) => importers(s, MoverKind::Module, module),
                _ => Vec::new(),
            };
            if imported_by.is_empty() {
                imported_by = either.imported_from.clone();
            }
            Some(LazyChunkChange {
                name,
                base_path: b.map(|l| l.asset.clone()),
                head_path: h.map(|l| l.asset.clone()),
                imported_by,
                load: SizePair {
                    base: b.map(load),
                    head: h.map(load),
                },
                gzip,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then_with(|| a.head_path.cmp(&b.head_path))
    });
    out
}

/// Bytes of one package or module in one asset: raw, gzip estimate, version.
type Share = (u64, u64, Option<String>);

/// An asset's bytes per package and per project module.
fn shares_of(asset: Option<&Asset>) -> BTreeMap<(MoverKind, String), Share> {
    let mut out: BTreeMap<(MoverKind, String), Share> = BTreeMap::new();
    for s in asset.map(|a| a.sources.as_slice()).unwrap_or_default() {
        let key = match &s.package {
            Some(name) => (MoverKind::Package, name.clone()),
            None => (MoverKind::Module, s.source.clone()),
        };
        let slot = out.entry(key).or_default();
        slot.0 += s.bytes;
        slot.1 += s.gzip.unwrap_or(0);
        if slot.2.is_none() {
            slot.2 = s.version.clone();
        }
    }
    out
}

/// What a package or module lost and gained over the paired assets.
#[derive(Default)]
struct Flow {
    lost: u64,
    lost_gzip: u64,
    gained: u64,
    gained_gzip: u64,
    from: BTreeSet<String>,
    to: BTreeSet<String>,
    version: Option<String>,
}

/// Packages and modules whose bytes left some assets and arrived in others
/// (each asset compared with its pair): a move, told as one instead of a
/// loss in one chunk and a gain in another. A move is at least `fold` (gzip
/// when known, else raw) and at least half of what it lost or gained (a
/// package that mostly grew is a mover, not a move).
fn moves(pairs: &[AssetPair<'_>], fold: u64, gzip: bool) -> Vec<Move> {
    let mut flows: BTreeMap<(MoverKind, String), Flow> = BTreeMap::new();
    for (_, b, h) in pairs {
        let (before, after) = (shares_of(*b), shares_of(*h));
        let keys: BTreeSet<&(MoverKind, String)> = before.keys().chain(after.keys()).collect();
        for key in keys {
            let (braw, bgz, bv) = before.get(key).cloned().unwrap_or_default();
            let (hraw, hgz, hv) = after.get(key).cloned().unwrap_or_default();
            let flow = flows.entry(key.clone()).or_default();
            if flow.version.is_none() {
                flow.version = hv.or(bv);
            }
            if braw > hraw {
                flow.lost += braw - hraw;
                flow.lost_gzip += bgz.saturating_sub(hgz);
                flow.from.extend(b.map(|a| a.path.clone()));
            } else if hraw > braw {
                flow.gained += hraw - braw;
                flow.gained_gzip += hgz.saturating_sub(bgz);
                flow.to.extend(h.map(|a| a.path.clone()));
            }
        }
    }
    let mut out: Vec<Move> = flows
        .into_iter()
        .filter_map(|((kind, name), f)| {
            let bytes = f.lost.min(f.gained);
            let gzip_moved = gzip.then(|| f.lost_gzip.min(f.gained_gzip));
            let weight = gzip_moved.unwrap_or(bytes);
            if weight < fold.max(1) || bytes * 2 < f.lost.max(f.gained) {
                return None;
            }
            Some(Move {
                name: match (kind, &f.version) {
                    (MoverKind::Package, Some(v)) => format!("{name}@{v}"),
                    _ => name,
                },
                kind,
                bytes,
                gzip: gzip_moved,
                from: f.from.into_iter().collect(),
                to: f.to.into_iter().collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    out.truncate(MOVERS);
    out
}

fn entries(base: &BundleReport, head: &BundleReport) -> Vec<EntryChange> {
    let gzip = base
        .entries
        .iter()
        .chain(&head.entries)
        .all(|e| e.gzip.is_some() && e.lazy_sizes.gzip.is_some());
    let numbers = |e: &model::bundle::Entry| {
        if gzip {
            let initial = e.gzip.unwrap_or(0);
            (initial, initial + e.lazy_sizes.gzip.unwrap_or(0))
        } else {
            (e.raw, e.raw + e.lazy_sizes.raw)
        }
    };
    let names: BTreeSet<&str> = base
        .entries
        .iter()
        .chain(&head.entries)
        .map(|e| e.name.as_str())
        .collect();
    names
        .into_iter()
        .map(|name| {
            let b = base.entries.iter().find(|e| e.name == name).map(numbers);
            let h = head.entries.iter().find(|e| e.name == name).map(numbers);
            EntryChange {
                name: name.to_string(),
                initial: SizePair {
                    base: b.map(|n| n.0),
                    head: h.map(|n| n.0),
                },
                total: SizePair {
                    base: b.map(|n| n.1),
                    head: h.map(|n| n.1),
                },
                gzip,
            }
        })
        .collect()
}

#[derive(Default)]
struct Attributed {
    bytes: u64,
    gzip: u64,
    version: Option<String>,
    assets: BTreeSet<String>,
}

/// Attributed bytes per package and per project module.
fn attribution(bundle: &BundleReport) -> BTreeMap<(MoverKind, String), Attributed> {
    let mut out: BTreeMap<(MoverKind, String), Attributed> = BTreeMap::new();
    for asset in &bundle.assets {
        for s in &asset.sources {
            let key = match &s.package {
                Some(name) => (MoverKind::Package, name.clone()),
                None => (MoverKind::Module, s.source.clone()),
            };
            let slot = out.entry(key).or_default();
            slot.bytes += s.bytes;
            slot.gzip += s.gzip.unwrap_or(0);
            if slot.version.is_none() {
                slot.version = s.version.clone();
            }
            slot.assets.insert(asset.path.clone());
        }
    }
    out
}

/// Project modules of `source` that import package `name` (or module `path`).
fn importers(source: &AnalyzeReport, kind: MoverKind, name: &str) -> Vec<String> {
    let package_of: HashMap<&str, Option<&str>> = source
        .modules
        .iter()
        .map(|m| (m.path.as_str(), m.package.as_deref()))
        .collect();
    let mut out: Vec<String> = source
        .modules
        .iter()
        .filter(|m| m.package.is_none())
        .filter(|m| {
            m.imports.iter().any(|i| {
                let Some(resolved) = i.resolved.as_deref() else {
                    return false;
                };
                match kind {
                    MoverKind::Package => package_of.get(resolved).copied().flatten() == Some(name),
                    MoverKind::Module => resolved == name,
                }
            })
        })
        .map(|m| m.path.clone())
        .collect();
    out.sort();
    out.dedup();
    out.truncate(5);
    out
}

/// Packages and modules whose attributed bytes changed by `fold` or more (or
/// that appeared, left, or changed version), largest change first.
fn movers(
    base: &BundleReport,
    head: &BundleReport,
    source: Option<&AnalyzeReport>,
    fold: u64,
) -> Vec<Mover> {
    let b = attribution(base);
    let h = attribution(head);
    let keys: BTreeSet<&(MoverKind, String)> = b.keys().chain(h.keys()).collect();
    let mut out: Vec<Mover> = keys
        .into_iter()
        .filter_map(|key| {
            let (kind, name) = key;
            let before = b.get(key);
            let after = h.get(key);
            let bytes = SizePair {
                base: before.map(|a| a.bytes),
                head: after.map(|a| a.bytes),
            };
            let version_changed =
                before.and_then(|a| a.version.as_ref()) != after.and_then(|a| a.version.as_ref());
            let appeared_or_left = before.is_none() || after.is_none();
            if bytes.delta().unsigned_abs() < fold.max(1) && !version_changed && !appeared_or_left {
                return None;
            }
            let version = after.or(before).and_then(|a| a.version.clone());
            let shown = match (kind, &version) {
                (MoverKind::Package, Some(v)) => format!("{name}@{v}"),
                _ => name.clone(),
            };
            let assets: Vec<String> = after
                .or(before)
                .map(|a| a.assets.iter().cloned().collect())
                .unwrap_or_default();
            let mut loaded = source
                .map(|s| importers(s, *kind, name))
                .unwrap_or_default();
            if loaded.is_empty() {
                let bundle = if after.is_some() { head } else { base };
                let mut entries: BTreeSet<String> = BTreeSet::new();
                for asset in &assets {
                    entries.extend(loaded_by(bundle, asset));
                }
                loaded = entries.into_iter().collect();
            }
            Some(Mover {
                name: shown,
                kind: *kind,
                bytes,
                gzip: SizePair {
                    base: before.map(|a| a.gzip),
                    head: after.map(|a| a.gzip),
                },
                base_version: if version_changed {
                    before.and_then(|a| a.version.clone())
                } else {
                    None
                },
                assets,
                loaded_by: loaded,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.bytes
            .delta()
            .unsigned_abs()
            .cmp(&a.bytes.delta().unsigned_abs())
            .then_with(|| a.name.cmp(&b.name))
    });
    out.truncate(MOVERS);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asset(path: &str, raw: u64) -> Asset {
        serde_json::from_value(serde_json::json!({
            "path": path, "type": "js", "raw": raw, "gzip": null, "brotli": null,
            "initial": false, "sources": [], "unmapped_bytes": raw
        }))
        .expect("an asset")
    }

    /// Two route chunks share a stripped name (`discussions-[hash].js`) and
    /// have no source maps: the unchanged one pairs with its twin by size,
    /// the grown one with the other; nothing is removed or added.
    #[test]
    fn chunks_sharing_a_stripped_name_pair_by_size_without_maps() {
        let b = [
            asset("assets/discussions-AAAA1111.js", 1550),
            asset("assets/discussions-BBBB2222.js", 9800),
        ];
        let h = [
            asset("assets/discussions-CCCC3333.js", 10400),
            asset("assets/discussions-DDDD4444.js", 1550),
        ];
        let (br, hr): (Vec<&Asset>, Vec<&Asset>) = (b.iter().collect(), h.iter().collect());
        let pairs = by_size(&br, &hr, &[false, false], &[false, false]);
        assert_eq!(pairs, [(0, 1), (1, 0)]);
        // Already paired assets are left alone; a leftover stays unpaired.
        assert_eq!(by_size(&br, &hr[..1], &[true, false], &[false]), [(1, 0)]);
    }

    fn mapped_asset(path: &str, raw: u64, sources: &[(&str, Option<&str>, u64)]) -> Asset {
        let mut a = asset(path, raw);
        a.sources = sources
            .iter()
            .map(|(source, package, bytes)| model::bundle::SourceShare {
                source: source.to_string(),
                package: package.map(str::to_string),
                version: None,
                bytes: *bytes,
                gzip: None,
            })
            .collect();
        a.unmapped_bytes = raw - a.sources.iter().map(|s| s.bytes).sum::<u64>();
        a
    }

    fn report(assets: Vec<Asset>) -> BundleReport {
        serde_json::from_value(serde_json::json!({
            "schema_version": model::SCHEMA_VERSION, "kind": "bundle", "root": "dist",
            "compression": [], "chunk_graph": "vite-manifest", "assets": assets,
            "entries": [], "totals": [], "packages": [], "budgets": [], "diagnostics": []
        }))
        .expect("a bundle report")
    }

    /// Two route chunks share `discussions-[hash].js`; the one that grew is
    /// now the closest in size to the other's base: their modules pair them,
    /// not their sizes. A chunk whose hash reads like a word
    /// (`landing-BzlyYosz.js`) pairs with its head by its modules too.
    #[test]
    fn chunks_pair_by_their_modules_before_their_sizes() {
        let base = report(vec![
            mapped_asset(
                "assets/discussions-AAAA1111.js",
                600,
                &[("src/routes/discussions.jsx", None, 500)],
            ),
            mapped_asset(
                "assets/discussions-BBBB2222.js",
                900,
                &[("src/routes/admin/discussions.jsx", None, 800)],
            ),
            mapped_asset(
                "assets/landing-BzlyYosz.js",
                650,
                &[("src/routes/landing.jsx", None, 600)],
            ),
        ]);
        let head = report(vec![
            mapped_asset(
                "assets/discussions-CCCC3333.js",
                610,
                &[("src/routes/admin/discussions.jsx", None, 510)],
            ),
            mapped_asset(
                "assets/discussions-DDDD4444.js",
                905,
                &[("src/routes/discussions.jsx", None, 805)],
            ),
            mapped_asset(
                "assets/landing-CcDd5678.js",
                700,
                &[("src/routes/landing.jsx", None, 640)],
            ),
        ]);
        let mut pairs: Vec<(&str, &str)> = pair(&base, &head, None)
            .into_iter()
            .map(|(_, b, h)| {
                (
                    b.map_or("-", |a| a.path.as_str()),
                    h.map_or("-", |a| a.path.as_str()),
                )
            })
            .collect();
        pairs.sort();
        assert_eq!(
            pairs,
            [
                (
                    "assets/discussions-AAAA1111.js",
                    "assets/discussions-DDDD4444.js"
                ),
                (
                    "assets/discussions-BBBB2222.js",
                    "assets/discussions-CCCC3333.js"
                ),
                ("assets/landing-BzlyYosz.js", "assets/landing-CcDd5678.js"),
            ]
        );
        // Without source maps, the hash that reads like a word is cut from
        // the only removed and the only added asset of that name.
        let base = report(vec![asset("assets/landing-BzlyYosz.js", 650)]);
        let head = report(vec![asset("assets/landing-CcDd5678.js", 700)]);
        let pairs = pair(&base, &head, None);
        assert_eq!(pairs.len(), 1);
        assert!(pairs[0].1.is_some() && pairs[0].2.is_some());
    }

    /// lodash leaves the mock-data chunk for a chunk of its own: a move;
    /// a package that mostly grew, losing a little elsewhere, is none.
    #[test]
    fn a_package_that_changes_chunks_is_a_move() {
        let base = report(vec![
            mapped_asset(
                "assets/db-AAAA1111.js",
                72_000,
                &[
                    ("src/mocks/db.js", None, 600),
                    ("node_modules/lodash/lodash.js", Some("lodash"), 71_000),
                ],
            ),
            mapped_asset(
                "assets/index-AAAA2222.js",
                10_000,
                &[("node_modules/react/index.js", Some("react"), 9_000)],
            ),
        ]);
        let head = report(vec![
            mapped_asset(
                "assets/db-BBBB1111.js",
                700,
                &[("src/mocks/db.js", None, 600)],
            ),
            mapped_asset(
                "assets/lodash-BBBB3333.js",
                71_100,
                &[("node_modules/lodash/lodash.js", Some("lodash"), 71_050)],
            ),
            mapped_asset(
                "assets/index-BBBB2222.js",
                14_000,
                &[("node_modules/react/index.js", Some("react"), 8_800)],
            ),
            mapped_asset(
                "assets/extra-BBBB4444.js",
                5_000,
                &[("node_modules/react/index.js", Some("react"), 4_900)],
            ),
        ]);
        let pairs = pair(&base, &head, None);
        let moves = moves(&pairs, 100, false);
        assert_eq!(moves.len(), 1, "{moves:?}");
        assert_eq!(moves[0].name, "lodash");
        assert_eq!(moves[0].bytes, 71_000);
        assert_eq!(moves[0].from, ["assets/db-AAAA1111.js"]);
        assert_eq!(moves[0].to, ["assets/lodash-BBBB3333.js"]);
    }

    #[test]
    fn hashes_of_every_bundler_are_taken_out() {
        let cases = [
            ("assets/index-42CCVWIX.js", "assets/index-[hash].js"),
            ("assets/Help-DeHpYyQ0.js", "assets/Help-[hash].js"),
            ("assets/vendor-b1eJZLhn.js", "assets/vendor-[hash].js"),
            ("assets/index-B_x-12Ab.css", "assets/index-[hash].css"),
            ("assets/chunk-ABCD2345.js", "assets/chunk-[hash].js"),
            ("static/js/main.1a2b3c4d.js", "static/js/main.[hash].js"),
            (
                "static/js/787.8c1b2d3e.chunk.js",
                "static/js/787.[hash].chunk.js",
            ),
            ("static/css/main.073c9b0a.css", "static/css/main.[hash].css"),
            (
                "_next/static/chunks/pages/index-2f8a9b7c1d3e4f50.js",
                "_next/static/chunks/pages/index-[hash].js",
            ),
            (
                "_next/static/chunks/app/layout-0c5ba1b0a1e9a2f1.js",
                "_next/static/chunks/app/layout-[hash].js",
            ),
            (
                "_next/static/x8ZkvHg_8jFS0d_Hk4uJ_/_buildManifest.js",
                "_next/static/[hash]/_buildManifest.js",
            ),
            ("main.3f9c2a1b8d7e6f5a4b3c.js", "main.[hash].js"),
            // Words stay.
            ("assets/Settings.js", "assets/Settings.js"),
            ("assets/HomePage-abc.js", "assets/HomePage-abc.js"),
            ("index.html", "index.html"),
            ("favicon.ico", "favicon.ico"),
            ("assets/polyfills.js", "assets/polyfills.js"),
        ];
        for (path, want) in cases {
            assert_eq!(strip_hash(path, None), want, "{path}");
        }
        let re = regex::Regex::new(r"\.[0-9]{6}").expect("pattern");
        assert_eq!(strip_hash("app.123456.js", Some(&re)), "app[hash].js");
    }
}
