//! Where the engine's large per-citizen arrays live. A big cohort's state is read at scattered
//! places every day (a visit, a waiting list's scan, a case coming due): with ordinary 4 KiB
//! pages each such read at a million citizens also misses the processor's table of address
//! translations, whose 2,048 entries cover 8 MiB. Backed by 2 MiB pages the same entries cover
//! 4 GiB. Linux gives such pages to memory that asks for them (`madvise`, the default setting
//! of transparent huge pages on many systems) or to all memory (`always`); elsewhere, or when
//! the system says `never`, the request does nothing. Results never depend on it.

/// Arrays smaller than this stay on ordinary pages: they fit the translation table anyway.
const HUGE_PAGE: usize = 2 << 20;

/// A vector of the items of `items`, in memory asked to be backed by huge pages when large.
pub(crate) fn collect_on_huge_pages<T>(items: impl ExactSizeIterator<Item = T>) -> Vec<T> {
    let mut v = Vec::with_capacity(items.len());
    ask_for_huge_pages(&v);
    v.extend(items);
    v
}

/// `n` copies of `value`, in memory asked to be backed by huge pages when large.
pub(crate) fn filled_on_huge_pages<T: Clone>(n: usize, value: T) -> Vec<T> {
    let mut v = Vec::with_capacity(n);
    ask_for_huge_pages(&v);
    v.resize(n, value);
    v
}

/// Asks the kernel to back the whole 2 MiB pages inside `v`'s allocation with huge pages. The
/// request must come before the memory is first written: pages already in use stay small.
fn ask_for_huge_pages<T>(v: &Vec<T>) {
    let bytes = v.capacity() * std::mem::size_of::<T>();
    if bytes < 2 * HUGE_PAGE {
        return;
    }
    let start = v.as_ptr() as usize;
    let first = start.next_multiple_of(HUGE_PAGE);
    let end = (start + bytes) / HUGE_PAGE * HUGE_PAGE;
    if end > first {
        advise_huge(first, end - first);
    }
}

#[cfg(target_os = "linux")]
fn advise_huge(address: usize, len: usize) {
    // SAFETY: the range lies inside one live allocation owned by the caller's vector, and
    // MADV_HUGEPAGE changes only how the kernel backs it, never its contents or its mapping.
    // A refusal (an old kernel, huge pages switched off) leaves ordinary pages: ignored.
    let _ = unsafe { libc::madvise(address as *mut libc::c_void, len, libc::MADV_HUGEPAGE) };
}

#[cfg(not(target_os = "linux"))]
fn advise_huge(_address: usize, _len: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_on_huge_pages_hold_what_they_were_given() {
        let big = 3 * HUGE_PAGE / 8;
        let collected = collect_on_huge_pages((0..big).map(|x| x as u64 * 3));
        assert_eq!(collected.len(), big);
        assert!(collected.iter().enumerate().all(|(i, &x)| x == 3 * i as u64));
        let filled = filled_on_huge_pages(big, 7u64);
        assert_eq!(filled.len(), big);
        assert!(filled.iter().all(|&x| x == 7));
        assert_eq!(filled_on_huge_pages(3, 1u8), vec![1, 1, 1]);
    }
}
