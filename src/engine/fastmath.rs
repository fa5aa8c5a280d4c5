//! The fast maths of the daily pass: an upper bound of `e^x` from the exponent bits, the
//! chance of an event from a small hazard by a short series, and prefetching of the next
//! citizens' state. Each is exact where it matters (the bound is a bound, the series agrees
//! with `exp_m1` to double precision) and chosen for the cost of the daily pass only.

/// How many citizens ahead the daily pass prefetches.
pub(super) const PREFETCH_AHEAD: usize = 24;

/// Prefetches every cache line of a value into the caches (a hint; no effect on results).
#[inline(always)]
pub(super) fn prefetch_lines<T: ?Sized>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let start = value as *const T as *const i8;
        let len = std::mem::size_of_val(value);
        let mut offset = 0;
        // SAFETY: a prefetch is only a hint — it reads nothing into the program and cannot
        // fault — and SSE, which provides it, is part of every x86-64 CPU.
        unsafe {
            while offset < len {
                _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset));
                offset += 64;
            }
            // The last byte may lie on one more line than the stride reached.
            _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(len.saturating_sub(1)));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Bit `k` set where `wakes[k] <= d`: which of 32 citizens' wake days have come. On x86-64 in
/// SSE2 (part of every x86-64 CPU): a saturating subtraction is 0 exactly where `w <= d`, and
/// two packs and two byte masks make the bits, about a dozen instructions for the 32; the
/// compiler's own vectorisation of the plain loop took three times as many.
#[inline(always)]
pub(super) fn due_mask(wakes: &[u16; 32], d: u16) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi16, _mm_loadu_si128, _mm_movemask_epi8, _mm_packs_epi16,
            _mm_set1_epi16, _mm_setzero_si128, _mm_subs_epu16,
        };
        let p = wakes.as_ptr() as *const __m128i;
        // SAFETY: the four unaligned 16-byte loads read exactly the 64 bytes of `wakes`, and
        // SSE2 is part of every x86-64 CPU.
        unsafe {
            let today = _mm_set1_epi16(d as i16);
            let due = |k: usize| {
                let late = _mm_subs_epu16(_mm_loadu_si128(p.add(k)), today);
                _mm_cmpeq_epi16(late, _mm_setzero_si128())
            };
            let low = _mm_movemask_epi8(_mm_packs_epi16(due(0), due(1))) as u32;
            let high = _mm_movemask_epi8(_mm_packs_epi16(due(2), due(3))) as u32;
            low | high << 16
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    wakes.iter().enumerate().fold(0u32, |m, (k, &w)| m | ((w <= d) as u32) << k)
}

/// The larger of two numbers, neither of them NaN (checked in debug builds): one comparison
/// and a select, where `f64::max` and `f32::max`, which must also pass over a NaN, take
/// several instructions. The window's bound takes a dozen of these.
#[inline(always)]
pub(super) fn larger<T: PartialOrd + Copy>(a: T, b: T) -> T {
    debug_assert!(a.partial_cmp(&b).is_some(), "NaN");
    if a > b { a } else { b }
}

/// The smaller of two numbers, neither of them NaN (see [`larger`]).
#[inline(always)]
pub(super) fn smaller<T: PartialOrd + Copy>(a: T, b: T) -> T {
    debug_assert!(a.partial_cmp(&b).is_some(), "NaN");
    if a < b { a } else { b }
}

/// `⌈v⌉` for `v > 0`, saturating at `u32::MAX`: the truncation, plus one where it fell short
/// (`f64::ceil` is a library call on the baseline x86-64 target).
#[inline(always)]
pub(super) fn ceil_positive(v: f64) -> u32 {
    let t = v as u32;
    t.saturating_add(((t as f64) < v) as u32)
}

/// An upper bound of `e^x` from the exponent bits alone: `2^(⌊x·log2 e⌋ + 2)`, between two and
/// four times `e^x`, and safe against rounding in `x·log2 e`.
#[inline(always)]
pub fn exp_upper_bound(x: f64) -> f64 {
    let v = (x * std::f64::consts::LOG2_E).clamp(-1000.0, 1000.0);
    // ⌊v⌋ by truncation (f64::floor is a library call on the baseline x86-64 target).
    let t = v as i64;
    let floor = if (t as f64) > v { t - 1 } else { t };
    f64::from_bits(((floor + 2 + 1023) as u64) << 52)
}

/// `1 − e^(−h)`: the chance of an event on a day with cumulative hazard `h`. Daily hazards
/// are small; below 0.01 seven terms of the series leave a relative error under 1e-18 (below
/// double precision) and cost a fraction of `exp_m1`.
#[inline(always)]
pub fn chance_of_event(h: f64) -> f64 {
    if h < 0.01 {
        // Multiplying by reciprocals, not dividing: divisions would cost more than exp_m1.
        let tail = 1.0 - h * (1.0 / 7.0);
        let tail = 1.0 - h * (1.0 / 6.0) * tail;
        let tail = 1.0 - h * (1.0 / 5.0) * tail;
        let tail = 1.0 - h * (1.0 / 4.0) * tail;
        let tail = 1.0 - h * (1.0 / 3.0) * tail;
        h * (1.0 - h * 0.5 * tail)
    } else {
        -(-h).exp_m1()
    }
}

#[cfg(test)]
mod tests {
    use super::{ceil_positive, chance_of_event, exp_upper_bound};

    #[test]
    fn ceil_positive_is_the_ceiling_saturated_to_u32() {
        let mut values =
            vec![1e-300, 0.5, 1.0, 2.0, 4294967295.0, 4294967295.5, 1e12, f64::INFINITY];
        values.extend([1.0f64, 2.0, 3.0, 1e6].iter().flat_map(|v| [v.next_up(), v.next_down()]));
        values.extend((1..20_000).map(|i| i as f64 * 0.0173));
        for v in values {
            assert_eq!(ceil_positive(v), v.ceil() as u32, "{v}");
        }
    }

    #[test]
    fn exp_upper_bound_lies_between_two_and_four_times_exp() {
        let mut x = -30.0;
        while x < 30.0 {
            let ratio = exp_upper_bound(x) / x.exp();
            assert!((2.0 - 1e-9..=4.0 + 1e-9).contains(&ratio), "x = {x}: ratio {ratio}");
            x += 0.0137;
        }
    }

    #[test]
    fn series_for_small_hazards_matches_exp_m1() {
        let mut h: f64 = 1e-9;
        while h < 0.05 {
            let exact = -(-h).exp_m1();
            let relative = (chance_of_event(h) - exact).abs() / exact;
            assert!(relative < 4.0 * f64::EPSILON, "h = {h}: relative error {relative}");
            h *= 1.1;
        }
    }
}
