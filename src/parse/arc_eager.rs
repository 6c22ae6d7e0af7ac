//! The arc-eager transition system (Nivre 2003) and its dynamic oracle (Goldberg and Nivre 2012).
//!
//! Owns parser configurations (a stack, a buffer, the arcs built so far), the four moves and when
//! each is allowed, and the cost of a move against a gold tree: how many gold arcs it makes
//! unreachable. The cost lets training start from any configuration, including the ones the
//! parser's own mistakes lead to. It must not score moves: the model in
//! [`super::dependency`] chooses; this module only says what is legal and what it costs.
//!
//! The artificial root sits at the end of the buffer, after the last word (Ballesteros and
//! Nivre 2013): the root of the sentence is chosen last, once every word has been seen, rather
//! than as soon as it appears. Words are 1..=n and the root is n + 1 inside a configuration; the
//! tree it returns uses the CoNLL-U convention (0 for the root). A move is a class number: 0
//! shift, 1 reduce, `2 + 2l` left-arc with label `l`, `3 + 2l` right-arc with label `l`. The
//! root takes one child, by a left-arc with the root label; words left without a head at the end
//! are attached by [`State::finish`].

/// No word (no head yet, no such child).
pub(crate) const NONE: u32 = u32::MAX;

/// The four moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Move {
    /// Push the buffer's front onto the stack.
    Shift,
    /// Pop the stack's top, which has its head.
    Reduce,
    /// The buffer's front becomes the head of the stack's top, which is popped.
    Left(u16),
    /// The stack's top becomes the head of the buffer's front, which is pushed.
    Right(u16),
}

impl Move {
    pub(crate) fn from_class(class: usize) -> Move {
        match class {
            0 => Move::Shift,
            1 => Move::Reduce,
            c if c % 2 == 0 => Move::Left(((c - 2) / 2) as u16),
            c => Move::Right(((c - 3) / 2) as u16),
        }
    }

    /// How many classes a system with `labels` labels has.
    pub(crate) fn classes(labels: usize) -> usize {
        2 + 2 * labels
    }
}

/// A configuration, with what the features need of each word kept up to date as arcs are added.
#[derive(Debug, Clone)]
pub(crate) struct State {
    words: usize,
    root_label: u16,
    stack: Vec<u32>,
    in_stack: Vec<bool>,
    /// The buffer is `next..=words + 1`, the last being the root.
    next: usize,
    heads: Vec<u32>,
    labels: Vec<u16>,
    /// Children nearest the edges: in arc-eager each new left child is further left than the
    /// previous ones and each new right child further right, so these are updated in O(1).
    pub(crate) leftmost: Vec<u32>,
    pub(crate) second_leftmost: Vec<u32>,
    pub(crate) rightmost: Vec<u32>,
    pub(crate) second_rightmost: Vec<u32>,
    pub(crate) left_count: Vec<u16>,
    pub(crate) right_count: Vec<u16>,
    /// The labels of each word's left and right children, as bit sets (labels past 127 are not
    /// recorded, which only blurs a feature).
    pub(crate) left_labels: Vec<u128>,
    pub(crate) right_labels: Vec<u128>,
    root_child: u32,
}

fn bit(label: u16) -> u128 {
    if label < 128 { 1 << label } else { 0 }
}

impl State {
    /// The initial configuration of a sentence of `words` words.
    pub(crate) fn new(words: usize, root_label: u16) -> State {
        let size = words + 2;
        State {
            words,
            root_label,
            stack: Vec::new(),
            in_stack: vec![false; size],
            next: 1,
            heads: vec![NONE; size],
            labels: vec![0; size],
            leftmost: vec![NONE; size],
            second_leftmost: vec![NONE; size],
            rightmost: vec![NONE; size],
            second_rightmost: vec![NONE; size],
            left_count: vec![0; size],
            right_count: vec![0; size],
            left_labels: vec![0; size],
            right_labels: vec![0; size],
            root_child: NONE,
        }
    }

    /// The index of the artificial root.
    pub(crate) fn root(&self) -> u32 {
        (self.words + 1) as u32
    }

    /// Done when only the root is left in the buffer and no move is possible.
    pub(crate) fn is_terminal(&self) -> bool {
        self.next > self.words
            && !self.is_legal(Move::Reduce)
            && !self.is_legal(Move::Left(self.root_label))
    }

    /// The stack's `depth`-th word from the top (0: the top).
    pub(crate) fn stack(&self, depth: usize) -> u32 {
        self.stack
            .len()
            .checked_sub(depth + 1)
            .map_or(NONE, |index| self.stack[index])
    }

    /// The buffer's `offset`-th word (0: the front; the root comes last).
    pub(crate) fn buffer(&self, offset: usize) -> u32 {
        let index = self.next + offset;
        if index <= self.words + 1 {
            index as u32
        } else {
            NONE
        }
    }

    pub(crate) fn head(&self, word: u32) -> u32 {
        self.heads.get(word as usize).copied().unwrap_or(NONE)
    }

    /// The label of the arc into `word`, if it has a head.
    pub(crate) fn label(&self, word: u32) -> Option<u16> {
        (self.head(word) != NONE).then(|| self.labels[word as usize])
    }

    /// Whether a move may be made now.
    pub(crate) fn is_legal(&self, step: Move) -> bool {
        let top = self.stack(0);
        let front_is_root = self.next > self.words;
        match step {
            Move::Shift => !front_is_root,
            Move::Reduce => top != NONE && self.head(top) != NONE,
            Move::Left(label) => {
                top != NONE
                    && self.head(top) == NONE
                    && if front_is_root {
                        label == self.root_label && self.root_child == NONE
                    } else {
                        label != self.root_label
                    }
            }
            Move::Right(label) => !front_is_root && top != NONE && label != self.root_label,
        }
    }

    fn attach(&mut self, head: u32, dependent: u32, label: u16) {
        let (h, d) = (head as usize, dependent as usize);
        self.heads[d] = head;
        self.labels[d] = label;
        if dependent < head {
            self.second_leftmost[h] = self.leftmost[h];
            self.leftmost[h] = dependent;
            self.left_count[h] = self.left_count[h].saturating_add(1);
            self.left_labels[h] |= bit(label);
        } else {
            self.second_rightmost[h] = self.rightmost[h];
            self.rightmost[h] = dependent;
            self.right_count[h] = self.right_count[h].saturating_add(1);
            self.right_labels[h] |= bit(label);
        }
        if head == self.root() {
            self.root_child = dependent;
        }
    }

    fn pop(&mut self) {
        if let Some(top) = self.stack.pop() {
            self.in_stack[top as usize] = false;
        }
    }

    fn push_next(&mut self) {
        self.stack.push(self.next as u32);
        self.in_stack[self.next] = true;
        self.next += 1;
    }

    /// Makes a move; the caller checks that it is legal.
    pub(crate) fn apply(&mut self, step: Move) {
        match step {
            Move::Shift => self.push_next(),
            Move::Reduce => self.pop(),
            Move::Left(label) => {
                self.attach(self.next as u32, self.stack(0), label);
                self.pop();
            }
            Move::Right(label) => {
                self.attach(self.stack(0), self.next as u32, label);
                self.push_next();
            }
        }
    }

    /// The tree at the end: heads (1-based, 0 for the root) and labels of words 1..=n. Words
    /// left without a head are attached to the root's child with `fallback_label` (the first of
    /// them becomes the root if the root has no child), so that the result is always a tree with
    /// a single root.
    pub(crate) fn finish(&self, fallback_label: u16) -> (Vec<usize>, Vec<u16>) {
        let mut heads: Vec<usize> = Vec::with_capacity(self.words);
        let mut labels: Vec<u16> = Vec::with_capacity(self.words);
        let mut root = (self.root_child != NONE).then_some(self.root_child as usize);
        let artificial_root = self.root();
        for word in 1..=self.words {
            match self.heads[word] {
                NONE => match root {
                    Some(root) => {
                        heads.push(root);
                        labels.push(fallback_label);
                    }
                    None => {
                        root = Some(word);
                        heads.push(0);
                        labels.push(self.root_label);
                    }
                },
                head if head == artificial_root => {
                    heads.push(0);
                    labels.push(self.labels[word]);
                }
                head => {
                    heads.push(head as usize);
                    labels.push(self.labels[word]);
                }
            }
        }
        (heads, labels)
    }
}

/// A gold tree, made projective, ready for the oracle.
#[derive(Debug, Clone)]
pub(crate) struct Gold {
    /// Index 0 unused; 0 means the root.
    heads: Vec<u32>,
    labels: Vec<u16>,
    children: Vec<Vec<u32>>,
}

impl Gold {
    /// `heads[i]` and `labels[i]` are word `i + 1`'s (heads 1-based, 0 for the root).
    /// Non-projective arcs are lifted (the dependent is attached to its head's head until the
    /// tree is projective), since arc-eager can only build projective trees.
    pub(crate) fn new(heads: &[usize], labels: &[u16]) -> Gold {
        let mut tree: Vec<u32> = std::iter::once(NONE)
            .chain(heads.iter().map(|&h| h as u32))
            .collect();
        projectivize(&mut tree);
        // Inside a configuration the root is the word after the last.
        let root = (heads.len() + 1) as u32;
        let mut gold_heads: Vec<u32> = tree
            .iter()
            .map(|&head| if head == 0 { root } else { head })
            .collect();
        gold_heads.push(NONE);
        let mut children = vec![Vec::new(); gold_heads.len()];
        for (word, &head) in gold_heads.iter().enumerate().skip(1) {
            if head != NONE {
                children[head as usize].push(word as u32);
            }
        }
        let mut gold_labels: Vec<u16> = std::iter::once(0).chain(labels.iter().copied()).collect();
        gold_labels.push(0);
        Gold {
            heads: gold_heads,
            labels: gold_labels,
            children,
        }
    }

    /// The (projective) head of word `word`, 0 for the root.
    #[cfg(test)]
    pub(crate) fn head(&self, word: usize) -> usize {
        let head = self.heads[word] as usize;
        if head == self.heads.len() - 1 {
            0
        } else {
            head
        }
    }

    /// The cost of `step` in `state`: the gold arcs it makes unreachable, a wrong label counting
    /// as a lost arc.
    pub(crate) fn cost(&self, state: &State, step: Move) -> u32 {
        let top = state.stack(0) as usize;
        let front = state.next;
        let root = state.root() as usize;
        let root_free = state.root_child == NONE;
        // A head on the stack stays reachable: the words above it can be popped, by a reduce
        // or by a left-arc to the front. A head further in the buffer too, unless it is the root
        // and the root already has its child.
        let reachable_on_stack = |word: u32| word != NONE && state.in_stack[word as usize];
        let reachable_ahead = |word: usize| word > front && (word != root || root_free);
        let headless_stack_children = |word: usize| {
            self.children[word]
                .iter()
                .filter(|&&child| {
                    state.in_stack[child as usize] && state.heads[child as usize] == NONE
                })
                .count() as u32
        };
        let buffer_children = |word: usize| {
            self.children[word]
                .iter()
                .filter(|&&child| child as usize >= front)
                .count() as u32
        };
        match step {
            Move::Shift => {
                headless_stack_children(front) + u32::from(reachable_on_stack(self.heads[front]))
            }
            Move::Right(label) => {
                let head = self.heads[front];
                let head_lost = head as usize != top
                    && (reachable_on_stack(head) || reachable_ahead(head as usize));
                let wrong_label = head as usize == top && self.labels[front] != label;
                headless_stack_children(front) + u32::from(head_lost) + u32::from(wrong_label)
            }
            Move::Reduce => buffer_children(top),
            Move::Left(label) => {
                let head = self.heads[top] as usize;
                let head_lost = head != front && reachable_ahead(head);
                let wrong_label = head == front && self.labels[top] != label;
                // The root takes one child: giving it to the wrong word takes the place of the
                // gold root word, if that word could still have had it.
                let root_taken = front == root
                    && head != root
                    && self.children[root].iter().any(|&word| {
                        word as usize != top
                            && state.in_stack[word as usize]
                            && state.heads[word as usize] == NONE
                    });
                buffer_children(top)
                    + u32::from(head_lost)
                    + u32::from(wrong_label)
                    + u32::from(root_taken)
            }
        }
    }
}

/// Whether the arc into `dependent` crosses no other: every word between it and its head
/// descends from the head.
fn is_projective_arc(heads: &[u32], dependent: usize) -> bool {
    let head = heads[dependent] as usize;
    let (low, high) = if head < dependent {
        (head, dependent)
    } else {
        (dependent, head)
    };
    (low + 1..high).all(|between| {
        let mut node = between;
        let mut steps = 0;
        while node != head && node != 0 && steps < heads.len() {
            node = heads[node] as usize;
            steps += 1;
        }
        node == head
    })
}

/// Lifts non-projective arcs, shortest first, until the tree is projective.
fn projectivize(heads: &mut [u32]) {
    loop {
        let crossing = (1..heads.len())
            .filter(|&word| heads[word] != 0 && !is_projective_arc(heads, word))
            .min_by_key(|&word| (heads[word] as usize).abs_diff(word));
        match crossing {
            Some(word) => heads[word] = heads[heads[word] as usize],
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: u16 = 0;
    const NSUBJ: u16 = 1;
    const OBJ: u16 = 2;
    const DET: u16 = 3;

    /// "Russia expelled the diplomats": expelled is the root, Russia its subject, diplomats its
    /// object, "the" the diplomats' determiner. Inside a configuration the root is word 5.
    fn gold() -> Gold {
        Gold::new(&[2, 0, 4, 2], &[NSUBJ, ROOT, DET, OBJ])
    }

    fn run(state: &mut State, moves: &[Move]) {
        for &step in moves {
            assert!(state.is_legal(step), "{step:?} should be legal");
            state.apply(step);
        }
    }

    #[test]
    fn the_gold_sequence_costs_nothing_and_builds_the_tree() {
        let gold = gold();
        let mut state = State::new(4, ROOT);
        let moves = [
            Move::Shift,
            Move::Left(NSUBJ),
            Move::Shift,
            Move::Shift,
            Move::Left(DET),
            Move::Right(OBJ),
            Move::Reduce,
            Move::Left(ROOT),
        ];
        for step in moves {
            assert!(!state.is_terminal());
            assert_eq!(gold.cost(&state, step), 0, "{step:?}");
            assert!(state.is_legal(step), "{step:?}");
            state.apply(step);
        }
        assert!(state.is_terminal());
        assert_eq!(
            state.finish(OBJ),
            (vec![2, 0, 4, 2], vec![NSUBJ, ROOT, DET, OBJ])
        );
    }

    #[test]
    fn costs_count_the_gold_arcs_a_move_loses() {
        let gold = gold();
        // Stack [Russia], buffer [expelled the diplomats ROOT].
        let mut state = State::new(4, ROOT);
        run(&mut state, &[Move::Shift]);
        assert_eq!(gold.cost(&state, Move::Left(NSUBJ)), 0);
        assert_eq!(
            gold.cost(&state, Move::Left(OBJ)),
            1,
            "right arc, wrong label"
        );
        // Shifting expelled leaves Russia no way to reach its head.
        assert_eq!(gold.cost(&state, Move::Shift), 1);
        // Russia → expelled loses Russia ← expelled and expelled ← root.
        assert_eq!(gold.cost(&state, Move::Right(NSUBJ)), 2);
        assert!(!state.is_legal(Move::Reduce), "Russia has no head yet");
        assert!(
            !state.is_legal(Move::Left(ROOT)),
            "only the root gives the root label"
        );

        // Stack [expelled], buffer [the diplomats ROOT], Russia attached: attaching "the" to
        // expelled loses "the" ← diplomats; making "the" the head of expelled loses expelled's
        // root arc and its object.
        let mut state = State::new(4, ROOT);
        run(&mut state, &[Move::Shift, Move::Left(NSUBJ), Move::Shift]);
        assert_eq!(gold.cost(&state, Move::Right(DET)), 1);
        assert_eq!(gold.cost(&state, Move::Shift), 0);
        // the ← expelled as a left-arc loses expelled's root arc and its object in the buffer.
        assert_eq!(gold.cost(&state, Move::Left(DET)), 2);
    }

    #[test]
    fn the_root_is_chosen_last_and_only_once() {
        let gold = gold();
        let mut state = State::new(4, ROOT);
        run(
            &mut state,
            &[Move::Shift, Move::Shift, Move::Shift, Move::Shift],
        );
        // Buffer [ROOT], every word on the stack, headless. Making diplomats the root loses
        // expelled's root arc (the other arcs into the stack were lost already).
        assert!(!state.is_legal(Move::Shift) && !state.is_legal(Move::Right(OBJ)));
        assert!(state.is_legal(Move::Left(ROOT)));
        assert!(!state.is_legal(Move::Left(OBJ)));
        assert_eq!(gold.cost(&state, Move::Left(ROOT)), 1);
        state.apply(Move::Left(ROOT));
        assert!(
            state.is_terminal(),
            "the root has its child, the next word has no head"
        );
        let (heads, labels) = state.finish(9);
        assert_eq!(heads, vec![4, 4, 4, 0]);
        assert_eq!(labels, vec![9, 9, 9, ROOT]);
    }

    #[test]
    fn a_sentence_left_unattached_still_gets_one_root() {
        let mut state = State::new(3, ROOT);
        run(&mut state, &[Move::Shift, Move::Right(OBJ), Move::Shift]);
        // Stack [1 2 3], 2 attached to 1; 3 can become the root.
        let mut finished = state.clone();
        run(&mut finished, &[Move::Left(ROOT), Move::Reduce]);
        assert!(finished.is_terminal());
        assert_eq!(finished.finish(9), (vec![3, 1, 0], vec![9, OBJ, ROOT]));
        // Without the root move, the first headless word becomes the root.
        assert_eq!(state.finish(9), (vec![0, 1, 1], vec![ROOT, OBJ, 9]));
    }

    #[test]
    fn crossing_arcs_are_lifted() {
        // Word 1 is the root and heads 3 and 4; 4 heads 2. The arc 4 → 2 spans word 3, which 4
        // does not dominate: 2 is lifted to 4's head.
        let gold = Gold::new(&[0, 4, 1, 1], &[0, 1, 1, 1]);
        assert_eq!(
            (1..=4).map(|w| gold.head(w)).collect::<Vec<_>>(),
            vec![0, 1, 1, 1]
        );
        let projective = Gold::new(&[2, 0, 4, 2], &[1, 0, 3, 2]);
        assert_eq!(
            (1..=4).map(|w| projective.head(w)).collect::<Vec<_>>(),
            vec![2, 0, 4, 2]
        );
    }
}
