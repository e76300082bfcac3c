//! Work on all cores: [`map`] runs a function over the items of a list on as many threads as
//! there are cores (std's scoped threads, each taking the next item), keeping the list's order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// `items` mapped by `f`, in order, on up to one thread per core. A panic in `f` is raised again
/// on the calling thread (where [`crate::Config::render`] turns it into an error).
pub fn map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let count = items.len();
    // Each item is taken out of its slot by the thread that runs it.
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|i| Mutex::new(Some(i))).collect();
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(slot) = slots.get(i) else {
                            return done;
                        };
                        let item = slot.lock().ok().and_then(|mut s| s.take());
                        if let Some(item) = item {
                            done.push((i, f(item)));
                        }
                    }
                })
            })
            .collect();
        let mut done = Vec::with_capacity(count);
        for worker in workers {
            match worker.join() {
                Ok(results) => done.extend(results),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order() {
        let squares = super::map((0..100u64).collect(), |n| n * n);
        assert_eq!(squares, (0..100u64).map(|n| n * n).collect::<Vec<_>>());
        assert!(super::map(Vec::<u8>::new(), |n| n).is_empty());
    }

    #[test]
    fn a_panic_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| {
            super::map(vec![1, 2, 3], |n| {
                assert!(n != 2, "two");
                n
            })
        });
        assert!(caught.is_err());
    }
}
