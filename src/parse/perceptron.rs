//! The averaged perceptron every model here is made of: sparse weights while training, and a
//! compact, quantised table once trained.
//!
//! Owns the weights and their storage. A feature is a `u64` hash (see [`super::hash`]); each
//! feature has a weight for some of the classes (the others are zero). Training keeps exact
//! 64-bit keys and integer weights, so two runs on the same data give the same bytes. The trained
//! table keeps 16-bit fingerprints and 16-bit weights in flat arrays that load as bulk copies. It
//! must not know what the features or classes mean.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::ParseError;
use super::codec::{Reader, Writer};

/// The most classes a table can hold: a feature's count of weights is stored in one byte.
pub(crate) const MAX_CLASSES: usize = 255;

/// Features are hashes already: hashing them again would only cost time.
#[derive(Default)]
pub(crate) struct PrehashedKey(u64);

impl Hasher for PrehashedKey {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// A map keyed by feature hashes, iterated in the same order on every run.
pub(crate) type FeatureMap<V> = HashMap<u64, V, BuildHasherDefault<PrehashedKey>>;

/// One class's weight of one feature while training.
#[derive(Debug, Clone, Copy)]
struct Cell {
    class: u16,
    /// The current weight.
    weight: i32,
    /// The sum of `clock × change` over every change: the average over all steps is
    /// `weight - stamped / clock` (Daumé's trick: no per-step bookkeeping).
    stamped: i64,
}

/// One feature's weights while training.
#[derive(Debug, Clone, Default)]
struct Row {
    cells: Vec<Cell>,
    /// How many updates touched the feature: a feature updated once or twice says little, and
    /// the trained table can leave it out.
    updates: u32,
}

/// Weights being trained.
pub(crate) struct Perceptron {
    classes: usize,
    rows: FeatureMap<Row>,
    /// Steps seen so far, plus one.
    clock: i64,
}

impl Perceptron {
    pub(crate) fn new(classes: usize) -> Perceptron {
        Perceptron {
            classes,
            rows: FeatureMap::default(),
            clock: 1,
        }
    }

    /// Adds each class's current weights over `features` into `scores`.
    pub(crate) fn score(&self, features: &[u64], scores: &mut [i64]) {
        scores.iter_mut().for_each(|score| *score = 0);
        for feature in features {
            if let Some(row) = self.rows.get(feature) {
                for cell in &row.cells {
                    scores[usize::from(cell.class)] += i64::from(cell.weight);
                }
            }
        }
    }

    /// Moves the weights of `features` towards `good` and away from `bad`.
    pub(crate) fn update(&mut self, features: &[u64], good: usize, bad: usize) {
        let clock = self.clock;
        for &feature in features {
            let row = self.rows.entry(feature).or_default();
            row.updates = row.updates.saturating_add(1);
            let row = &mut row.cells;
            for (class, change) in [(good, 1), (bad, -1)] {
                let class = class as u16;
                let cell = match row.iter().position(|cell| cell.class == class) {
                    Some(index) => &mut row[index],
                    None => {
                        row.push(Cell {
                            class,
                            weight: 0,
                            stamped: 0,
                        });
                        let last = row.len() - 1;
                        &mut row[last]
                    }
                };
                cell.weight += change;
                cell.stamped += clock * i64::from(change);
            }
        }
    }

    /// Counts one step (one decision, updated or not) for the average.
    pub(crate) fn tick(&mut self) {
        self.clock += 1;
    }

    /// How many features have weights.
    pub(crate) fn features(&self) -> usize {
        self.rows.len()
    }

    /// The averaged weights as a compact table, without the features updated fewer than
    /// `pruning.min_updates` times nor the weights whose quantised magnitude is below
    /// `pruning.min_weight` (see [`Classifier::build`]).
    pub(crate) fn averaged(&self, pruning: Pruning) -> Classifier {
        let clock = self.clock as f64;
        let mut rows: Vec<(u64, Vec<(u16, f64)>)> = self
            .rows
            .iter()
            .filter(|(_, row)| row.updates >= pruning.min_updates)
            .map(|(&feature, row)| {
                let mut weights: Vec<(u16, f64)> = row
                    .cells
                    .iter()
                    .map(|cell| {
                        (
                            cell.class,
                            f64::from(cell.weight) - cell.stamped as f64 / clock,
                        )
                    })
                    .collect();
                weights.sort_by_key(|&(class, _)| class);
                (feature, weights)
            })
            .collect();
        rows.sort_unstable_by_key(|&(feature, _)| feature);
        Classifier::build(self.classes, &rows, pruning.min_weight)
    }
}

/// What a trained table leaves out, trading accuracy for size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pruning {
    /// Features updated fewer times than this during training are dropped.
    pub(crate) min_updates: u32,
    /// Weights whose quantised magnitude is below this are dropped.
    pub(crate) min_weight: i16,
}

#[cfg(test)]
impl Pruning {
    /// Keeps everything that survives quantisation.
    pub(crate) const NONE: Pruning = Pruning {
        min_updates: 0,
        min_weight: 1,
    };
}

/// Scores of every class a table can hold; indexing it with a `u8` class needs no bounds check.
pub(crate) type ClassScores = [i32; 256];

/// Trained weights: an open-addressing table of feature fingerprints, and per feature the
/// classes it has a weight for, with 16-bit weights on one shared scale.
///
/// In memory each slot is one `u64` (fingerprint, weight count, first weight), built when the
/// table is read; the weights are three bytes each (class, then the weight in little-endian),
/// exactly as in the file, so the shipped model's weights are read in place from the bytes
/// embedded in the binary, never copied. On disk a slot takes three bytes.
#[derive(Clone, PartialEq)]
pub(crate) struct Classifier {
    classes: usize,
    /// `fingerprint << 48 | count << 32 | start`; 0 marks an empty slot (fingerprints are never 0).
    slots: Vec<u64>,
    /// `[class, weight as le bytes]` per weight, features' weights one after the other.
    entries: Cow<'static, [u8]>,
    /// Quantised weights are real weights times this: scores of two tables are compared after
    /// dividing by it.
    scale: f32,
}

/// The bytes of one weight: its class, and the weight.
const ENTRY: usize = 3;

impl std::fmt::Debug for Classifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classifier")
            .field("classes", &self.classes)
            .field("features", &self.features())
            .field("weights", &self.weights())
            .field("scale", &self.scale)
            .finish()
    }
}

/// Slots per feature: a table at most 60% full keeps probe chains short.
const LOAD: f64 = 0.6;

/// Features looked up together: their first loads are issued before any is waited for, so that
/// the memory system fetches them in parallel.
const BLOCK: usize = 32;

fn fingerprint(feature: u64) -> u16 {
    match (feature >> 48) as u16 {
        0 => 1,
        print => print,
    }
}

/// The home slot of a feature: the low 32 bits scaled onto the table (no power-of-two size).
fn home(feature: u64, slots: usize) -> usize {
    (((feature & 0xFFFF_FFFF) * slots as u64) >> 32) as usize
}

fn slot_value(print: u16, count: usize, start: usize) -> u64 {
    u64::from(print) << 48 | (count as u64) << 32 | start as u64
}

impl Classifier {
    /// Quantises real weights onto 16 bits (the largest magnitude maps to 32,767), drops those
    /// whose magnitude is below `min_weight` after quantisation (at least the ones that round to
    /// zero), and lays the rest out in the table.
    fn build(classes: usize, rows: &[(u64, Vec<(u16, f64)>)], min_weight: i16) -> Classifier {
        let largest = rows
            .iter()
            .flat_map(|(_, weights)| weights.iter().map(|&(_, weight)| weight.abs()))
            .fold(0.0_f64, f64::max);
        let scale = if largest > 0.0 {
            f64::from(i16::MAX) / largest
        } else {
            1.0
        };
        let min_weight = min_weight.max(1);
        let kept: Vec<(u64, Vec<(u8, i16)>)> = rows
            .iter()
            .map(|(feature, weights)| {
                let quantised = weights
                    .iter()
                    .map(|&(class, weight)| (class as u8, (weight * scale).round() as i16))
                    .filter(|&(_, weight)| weight.saturating_abs() >= min_weight)
                    .collect::<Vec<_>>();
                (*feature, quantised)
            })
            .filter(|(_, weights)| !weights.is_empty())
            .collect();
        let slot_count = ((kept.len() as f64 / LOAD) as usize).max(kept.len() + 1);
        let mut occupant: Vec<Option<usize>> = vec![None; slot_count];
        for (index, (feature, _)) in kept.iter().enumerate() {
            let mut slot = home(*feature, slot_count);
            while occupant[slot].is_some() {
                slot = if slot + 1 == slot_count { 0 } else { slot + 1 };
            }
            occupant[slot] = Some(index);
        }
        let mut slots = vec![0; slot_count];
        let mut entries = Vec::new();
        for (slot, index) in occupant.iter().enumerate() {
            if let Some(index) = *index {
                let (feature, weights) = &kept[index];
                slots[slot] =
                    slot_value(fingerprint(*feature), weights.len(), entries.len() / ENTRY);
                for &(class, weight) in weights {
                    entries.push(class);
                    entries.extend_from_slice(&weight.to_le_bytes());
                }
            }
        }
        Classifier {
            classes,
            slots,
            entries: Cow::Owned(entries),
            scale: scale as f32,
        }
    }

    /// What real weights were multiplied by before rounding.
    pub(crate) fn scale(&self) -> f32 {
        self.scale
    }

    /// How many classes the table scores.
    pub(crate) fn classes(&self) -> usize {
        self.classes
    }

    /// How many features have weights.
    pub(crate) fn features(&self) -> usize {
        self.slots.iter().filter(|&&slot| slot != 0).count()
    }

    /// How many weights are stored.
    pub(crate) fn weights(&self) -> usize {
        self.entries.len() / ENTRY
    }

    /// Adds each class's weights over `features` into `scores` (cleared first).
    pub(crate) fn score(&self, features: &[u64], scores: &mut ClassScores) {
        scores.fill(0);
        let slot_count = self.slots.len();
        for block in features.chunks(BLOCK) {
            // First the home slot of every feature, loads independent of one another...
            let mut homes = [(0_usize, 0_u64); BLOCK];
            for (home_slot, &feature) in homes.iter_mut().zip(block) {
                let slot = home(feature, slot_count);
                *home_slot = (slot, self.slots[slot]);
            }
            // ...then each probe resolved (its cache line is there by now)...
            let mut found = [0_u64; BLOCK];
            let mut hits = 0;
            for (&(mut slot, mut value), &feature) in homes.iter().zip(block) {
                let print = u64::from(fingerprint(feature));
                while value != 0 {
                    if value >> 48 == print {
                        found[hits] = value;
                        hits += 1;
                        break;
                    }
                    slot = if slot + 1 == slot_count { 0 } else { slot + 1 };
                    value = self.slots[slot];
                }
            }
            // ...then the weights.
            for &value in &found[..hits] {
                let start = (value & 0xFFFF_FFFF) as usize;
                let count = (value >> 32 & 0xFFFF) as usize;
                let records = &self.entries[start * ENTRY..(start + count) * ENTRY];
                for record in records.chunks_exact(ENTRY) {
                    scores[usize::from(record[0])] +=
                        i32::from(i16::from_le_bytes([record[1], record[2]]));
                }
            }
        }
    }

    pub(crate) fn write(&self, writer: &mut Writer) {
        writer.len(self.classes);
        writer.u32(self.scale.to_bits());
        writer.u16s(
            &self
                .slots
                .iter()
                .map(|&slot| (slot >> 48) as u16)
                .collect::<Vec<_>>(),
        );
        writer.u8s(
            &self
                .slots
                .iter()
                .map(|&slot| (slot >> 32 & 0xFF) as u8)
                .collect::<Vec<_>>(),
        );
        writer.u8s(&self.entries);
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Classifier, ParseError> {
        let classes = usize::try_from(reader.u64("class count")?)
            .ok()
            .filter(|&classes| classes <= MAX_CLASSES)
            .ok_or_else(|| ParseError::Model("too many classes".to_owned()))?;
        let scale = f32::from_bits(reader.u32("scale")?);
        if !(scale.is_finite() && scale > 0.0) {
            return Err(ParseError::Model(
                "the weights' scale is not a positive number".to_owned(),
            ));
        }
        // Built straight from the bytes, without intermediate vectors: this is most of the
        // time it takes to load a model.
        let fingerprints = reader.array_bytes(2, "fingerprints")?;
        let counts = reader.array_bytes(1, "weight counts")?;
        let entries = reader.shared_bytes("weights")?;
        if counts.len() * 2 != fingerprints.len() {
            return Err(ParseError::Model("inconsistent weight table".to_owned()));
        }
        let mut start = 0_usize;
        let mut empty_slots = 0;
        let mut slots = Vec::with_capacity(counts.len());
        for (print, &count) in fingerprints.chunks_exact(2).zip(counts) {
            let print = u16::from_le_bytes([print[0], print[1]]);
            if (print == 0) != (count == 0) {
                return Err(ParseError::Model("inconsistent weight table".to_owned()));
            }
            empty_slots += usize::from(print == 0);
            slots.push(if print == 0 {
                0
            } else {
                slot_value(print, usize::from(count), start)
            });
            start += usize::from(count);
        }
        // A class byte past the class count would only add to a score nobody reads (scores
        // hold 256 classes, and the caller looks at its own): no need to check every weight.
        let sound = empty_slots > 0 && start * ENTRY == entries.len() && start <= u32::MAX as usize;
        if !sound {
            return Err(ParseError::Model("inconsistent weight table".to_owned()));
        }
        Ok(Classifier {
            classes,
            slots,
            entries,
            scale,
        })
    }
}

/// The index of the highest score among the allowed classes; ties go to the lowest index, so the
/// choice is the same on every run.
pub(crate) fn best<T: PartialOrd + Copy>(
    scores: &[T],
    allowed: impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (class, &score) in scores.iter().enumerate() {
        if allowed(class) && best.is_none_or(|current| score > scores[current]) {
            best = Some(class);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_to_separate_two_classes_and_keeps_it_when_compacted() {
        // Features are hashes: the table takes its slots and fingerprints from their bits.
        let feature = crate::parse::hash::finish;
        let mut perceptron = Perceptron::new(3);
        let examples = [
            (vec![feature(1), feature(10)], 0),
            (vec![feature(2), feature(10)], 1),
            (vec![feature(3), feature(10)], 2),
        ];
        for _ in 0..5 {
            for (features, gold) in &examples {
                let mut scores = [0_i64; 3];
                perceptron.score(features, &mut scores);
                let guess = best(&scores, |_| true).unwrap();
                if guess != *gold {
                    perceptron.update(features, *gold, guess);
                }
                perceptron.tick();
            }
        }
        let table = perceptron.averaged(Pruning::NONE);
        for (features, gold) in &examples {
            let mut scores = [0_i32; 256];
            table.score(features, &mut scores);
            assert_eq!(best(&scores[..3], |_| true), Some(*gold));
        }
        let mut unseen = [0_i32; 256];
        table.score(&[feature(999)], &mut unseen);
        assert!(unseen.iter().all(|&score| score == 0));
    }

    #[test]
    fn a_table_reads_back_equal() {
        let mut perceptron = Perceptron::new(4);
        for feature in 0..100_u64 {
            perceptron.update(
                &[crate::parse::hash::finish(feature)],
                (feature % 4) as usize,
                3,
            );
            perceptron.tick();
        }
        let table = perceptron.averaged(Pruning::NONE);
        let mut writer = Writer::default();
        table.write(&mut writer);
        let bytes = writer.into_bytes();
        let read = Classifier::read(&mut Reader::new(&bytes)).unwrap();
        assert_eq!(read, table);
        assert!(table.features() > 0);
    }

    #[test]
    fn ties_go_to_the_lowest_allowed_class() {
        assert_eq!(best(&[3, 5, 5], |_| true), Some(1));
        assert_eq!(best(&[3, 5, 5], |class| class != 1), Some(2));
        assert_eq!(best(&[3, 5], |_| false), None);
    }
}
