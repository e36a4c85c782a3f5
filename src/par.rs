//! Data parallelism behind the `parallel` feature.
//!
//! With `parallel` (the default) this is rayon's prelude. Without it, the same method names run
//! the same closures on the calling thread, so the code that batches counties is written once and
//! an embedder without threads (or one that schedules its own) gets identical results. rayon has
//! no sequential mode of its own, hence these few adaptors; each mirrors the rayon method it
//! stands for, in order of the items.

#[cfg(feature = "parallel")]
pub(crate) use rayon::prelude::*;

#[cfg(not(feature = "parallel"))]
pub(crate) use seq::*;

/// rayon's two-argument `reduce(identity, op)`, spelled so that it does not collide with std's
/// one-argument `Iterator::reduce` when the feature is off.
pub(crate) trait ReduceWith<T> {
    /// Combines every item with `op`, starting from `identity()` (once per thread with rayon).
    fn par_reduce<ID, OP>(self, identity: ID, op: OP) -> T
    where
        ID: Fn() -> T + Sync + Send,
        OP: Fn(T, T) -> T + Sync + Send;
}

#[cfg(feature = "parallel")]
impl<T: Send, P: ParallelIterator<Item = T>> ReduceWith<T> for P {
    fn par_reduce<ID, OP>(self, identity: ID, op: OP) -> T
    where
        ID: Fn() -> T + Sync + Send,
        OP: Fn(T, T) -> T + Sync + Send,
    {
        self.reduce(identity, op)
    }
}

#[cfg(not(feature = "parallel"))]
impl<T, I: Iterator<Item = T>> ReduceWith<T> for I {
    fn par_reduce<ID, OP>(self, identity: ID, op: OP) -> T
    where
        ID: Fn() -> T + Sync + Send,
        OP: Fn(T, T) -> T + Sync + Send,
    {
        self.fold(identity(), op)
    }
}

#[cfg(not(feature = "parallel"))]
mod seq {
    /// `par_iter` on slices and vectors: the plain iterator.
    pub(crate) trait ParIter<T> {
        fn par_iter(&self) -> std::slice::Iter<'_, T>;
    }
    impl<T> ParIter<T> for [T] {
        fn par_iter(&self) -> std::slice::Iter<'_, T> {
            self.iter()
        }
    }

    /// `par_chunks_mut` on slices: `chunks_mut`.
    pub(crate) trait ParChunksMut<T> {
        fn par_chunks_mut(&mut self, size: usize) -> std::slice::ChunksMut<'_, T>;
    }
    impl<T> ParChunksMut<T> for [T] {
        fn par_chunks_mut(&mut self, size: usize) -> std::slice::ChunksMut<'_, T> {
            self.chunks_mut(size)
        }
    }

    /// `into_par_iter` on anything iterable: `into_iter`.
    pub(crate) trait IntoParIter: IntoIterator + Sized {
        fn into_par_iter(self) -> Self::IntoIter {
            self.into_iter()
        }
    }
    impl<I: IntoIterator> IntoParIter for I {}

    /// `par_extend` on collections: `extend`.
    pub(crate) trait ParExtend<T>: Extend<T> {
        fn par_extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
            self.extend(items)
        }
    }
    impl<T, C: Extend<T>> ParExtend<T> for C {}

    /// rayon's iterator methods that std spells differently.
    pub(crate) trait SeqIter: Iterator + Sized {
        /// `flat_map_iter`: `flat_map`.
        fn flat_map_iter<U: IntoIterator, F: FnMut(Self::Item) -> U>(
            self,
            f: F,
        ) -> std::iter::FlatMap<Self, U, F> {
            self.flat_map(f)
        }
        /// `map_init`: one state made up front, handed to every call.
        fn map_init<S, R, INIT: FnOnce() -> S, F: FnMut(&mut S, Self::Item) -> R>(
            self,
            init: INIT,
            mut f: F,
        ) -> impl Iterator<Item = R> {
            let mut state = init();
            self.map(move |x| f(&mut state, x))
        }
    }
    impl<I: Iterator> SeqIter for I {}
}
