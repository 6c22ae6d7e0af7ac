//! The averaged perceptron every model here is made of: sparse weights while training, and a
//! compact, quantised table once trained.
//!
//! Owns the weights and their storage. A feature is a `u64` hash (see [`super::hash`]); each
//! feature has a weight for some of the classes (the others are zero). Training keeps exact
//! 64-bit keys and integer weights, so two runs on the same data give the same bytes. The trained
//! table keeps 16-bit fingerprints and 16-bit weights in flat arrays that load as bulk copies. It
//! must not know what the features or classes mean.

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

/// Weights being trained.
pub(crate) struct Perceptron {
    classes: usize,
    rows: FeatureMap<Vec<Cell>>,
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
                for cell in row {
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

    /// The averaged weights as a compact table.
    pub(crate) fn averaged(&self) -> Classifier {
        let clock = self.clock as f64;
        let mut rows: Vec<(u64, Vec<(u16, f64)>)> = self
            .rows
            .iter()
            .map(|(&feature, cells)| {
                let mut weights: Vec<(u16, f64)> = cells
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
        Classifier::build(self.classes, &rows)
    }
}

/// Trained weights: an open-addressing table of feature fingerprints, and per feature the
/// classes it has a weight for, with 16-bit weights on one shared scale.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Classifier {
    classes: usize,
    /// One per slot; 0 marks an empty slot.
    fingerprints: Vec<u16>,
    /// Where each slot's weights start in `entry_classes` and `entry_weights` (one more than the
    /// slots, so that slot `s` spans `starts[s]..starts[s + 1]`).
    starts: Vec<u32>,
    entry_classes: Vec<u8>,
    entry_weights: Vec<i16>,
}

/// Slots per feature: a table at most 60% full keeps probe chains short.
const LOAD: f64 = 0.6;

fn fingerprint(feature: u64) -> u16 {
    match (feature >> 48) as u16 {
        0 => 1,
        print => print,
    }
}

/// The home slot of a feature: the low 32 bits scaled onto the table (no power-of-two size).
fn home(feature: u64, slots: usize) -> usize {
    ((feature & 0xFFFF_FFFF) * slots as u64 >> 32) as usize
}

impl Classifier {
    /// Quantises real weights onto 16 bits (the largest magnitude maps to 32,767; weights that
    /// round to zero are dropped) and lays them out in the table.
    fn build(classes: usize, rows: &[(u64, Vec<(u16, f64)>)]) -> Classifier {
        let largest = rows
            .iter()
            .flat_map(|(_, weights)| weights.iter().map(|&(_, weight)| weight.abs()))
            .fold(0.0_f64, f64::max);
        let scale = if largest > 0.0 {
            f64::from(i16::MAX) / largest
        } else {
            1.0
        };
        let kept: Vec<(u64, Vec<(u8, i16)>)> = rows
            .iter()
            .map(|(feature, weights)| {
                let quantised = weights
                    .iter()
                    .map(|&(class, weight)| (class as u8, (weight * scale).round() as i16))
                    .filter(|&(_, weight)| weight != 0)
                    .collect::<Vec<_>>();
                (*feature, quantised)
            })
            .filter(|(_, weights)| !weights.is_empty())
            .collect();
        let slots = ((kept.len() as f64 / LOAD) as usize).max(kept.len() + 1);
        let mut occupant: Vec<Option<usize>> = vec![None; slots];
        for (index, (feature, _)) in kept.iter().enumerate() {
            let mut slot = home(*feature, slots);
            while occupant[slot].is_some() {
                slot = if slot + 1 == slots { 0 } else { slot + 1 };
            }
            occupant[slot] = Some(index);
        }
        let mut fingerprints = vec![0; slots];
        let mut counts = vec![0; slots];
        let mut entry_classes = Vec::new();
        let mut entry_weights = Vec::new();
        for (slot, index) in occupant.iter().enumerate() {
            if let Some(index) = *index {
                let (feature, weights) = &kept[index];
                fingerprints[slot] = fingerprint(*feature);
                counts[slot] = weights.len() as u8;
                for &(class, weight) in weights {
                    entry_classes.push(class);
                    entry_weights.push(weight);
                }
            }
        }
        Classifier {
            classes,
            fingerprints,
            starts: starts(&counts),
            entry_classes,
            entry_weights,
        }
    }

    /// How many classes the table scores.
    pub(crate) fn classes(&self) -> usize {
        self.classes
    }

    /// How many features have weights.
    pub(crate) fn features(&self) -> usize {
        self.fingerprints
            .iter()
            .filter(|&&print| print != 0)
            .count()
    }

    /// How many weights are stored.
    pub(crate) fn weights(&self) -> usize {
        self.entry_weights.len()
    }

    fn find(&self, feature: u64) -> Option<(usize, usize)> {
        let slots = self.fingerprints.len();
        let print = fingerprint(feature);
        let mut slot = home(feature, slots);
        loop {
            match self.fingerprints[slot] {
                0 => return None,
                found if found == print => {
                    return Some((self.starts[slot] as usize, self.starts[slot + 1] as usize));
                }
                _ => slot = if slot + 1 == slots { 0 } else { slot + 1 },
            }
        }
    }

    /// Adds each class's weights over `features` into `scores` (cleared first).
    pub(crate) fn score(&self, features: &[u64], scores: &mut [i32]) {
        scores.iter_mut().for_each(|score| *score = 0);
        for &feature in features {
            if let Some((start, end)) = self.find(feature) {
                let classes = &self.entry_classes[start..end];
                let weights = &self.entry_weights[start..end];
                for (&class, &weight) in classes.iter().zip(weights) {
                    scores[usize::from(class)] += i32::from(weight);
                }
            }
        }
    }

    pub(crate) fn write(&self, writer: &mut Writer) {
        writer.len(self.classes);
        writer.u16s(&self.fingerprints);
        let counts: Vec<u8> = self
            .starts
            .windows(2)
            .map(|pair| (pair[1] - pair[0]) as u8)
            .collect();
        writer.u8s(&counts);
        writer.u8s(&self.entry_classes);
        writer.i16s(&self.entry_weights);
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Classifier, ParseError> {
        let classes = usize::try_from(reader.u64("class count")?)
            .ok()
            .filter(|&classes| classes <= MAX_CLASSES)
            .ok_or_else(|| ParseError::Model("too many classes".to_owned()))?;
        let fingerprints = reader.u16s("fingerprints")?;
        let counts = reader.u8s("weight counts")?;
        let entry_classes = reader.u8s("classes")?;
        let entry_weights = reader.i16s("weights")?;
        let starts = starts(&counts);
        let total = starts.last().copied().unwrap_or(0) as usize;
        let sound = counts.len() == fingerprints.len()
            && fingerprints.contains(&0)
            && total == entry_classes.len()
            && total == entry_weights.len()
            && entry_classes
                .iter()
                .all(|&class| usize::from(class) < classes);
        if !sound {
            return Err(ParseError::Model("inconsistent weight table".to_owned()));
        }
        Ok(Classifier {
            classes,
            fingerprints,
            starts,
            entry_classes,
            entry_weights,
        })
    }
}

fn starts(counts: &[u8]) -> Vec<u32> {
    let mut starts = Vec::with_capacity(counts.len() + 1);
    let mut total = 0_u32;
    starts.push(0);
    for &count in counts {
        total += u32::from(count);
        starts.push(total);
    }
    starts
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
        let mut perceptron = Perceptron::new(3);
        let examples = [(vec![1_u64, 10], 0), (vec![2, 10], 1), (vec![3, 10], 2)];
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
        let table = perceptron.averaged();
        for (features, gold) in &examples {
            let mut scores = [0_i32; 3];
            table.score(features, &mut scores);
            assert_eq!(best(&scores, |_| true), Some(*gold));
        }
        let mut unseen = [0_i32; 3];
        table.score(&[999], &mut unseen);
        assert_eq!(unseen, [0, 0, 0]);
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
        let table = perceptron.averaged();
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
