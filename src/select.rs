//! Choosing between two values without a branch.
//!
//! In the daily pass, conditions such as "is this person homeless" differ from one citizen
//! to the next and are stable for each. With a thousand citizens the CPU's branch predictor
//! learns every citizen's pattern; with a large cohort it cannot, and each mispredicted `if`
//! costs about as much as the rest of the citizen's day. The engine therefore computes
//! such terms for everyone and selects the result with a bit mask, and branches only on
//! rare events (an offence, a relapse). The selected values are exactly the ones an `if`
//! would give, so results do not change.
//!
//! Floating-point selects are the catch: x86 has no conditional move for them, so LLVM
//! turns `if c { a } else { b }` on `f64` back into a branch. Hiding the mask's origin
//! behind [`opaque`] keeps it a bitwise AND.

/// `x`, through a barrier the optimiser cannot see through (it costs no instruction).
#[inline(always)]
fn opaque(x: u64) -> u64 {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    {
        let mut x = x;
        // SAFETY: the empty template leaves the register as it is; it touches no memory and
        // no stack, as the options declare.
        unsafe { std::arch::asm!("/* {0} */", inout(reg) x, options(pure, nomem, nostack)) };
        x
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    std::hint::black_box(x)
}

/// All ones if `condition`, else all zeros.
#[inline(always)]
fn mask(condition: bool) -> u64 {
    opaque(0u64.wrapping_sub(condition as u64))
}

/// `yes` if `condition` holds, else `no`, bit for bit.
#[inline(always)]
pub fn pick(condition: bool, yes: f64, no: f64) -> f64 {
    let m = mask(condition);
    f64::from_bits((yes.to_bits() & m) | (no.to_bits() & !m))
}

/// [`pick`] for `f32`.
#[inline(always)]
pub fn pick_f32(condition: bool, yes: f32, no: f32) -> f32 {
    let m = mask(condition) as u32;
    f32::from_bits((yes.to_bits() & m) | (no.to_bits() & !m))
}

/// `value` if `condition` holds, else +0 (adding it then changes nothing).
#[inline(always)]
pub fn when(condition: bool, value: f64) -> f64 {
    f64::from_bits(value.to_bits() & mask(condition))
}

/// [`when`] for `f32`.
#[inline(always)]
pub fn when_f32(condition: bool, value: f32) -> f32 {
    f32::from_bits(value.to_bits() & mask(condition) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_the_same_bits_as_an_if() {
        for &(a, b) in
            &[(1.5, -2.25), (f64::INFINITY, 0.0), (-0.0, 7.0), (f64::MIN_POSITIVE, 1e300)]
        {
            assert_eq!(pick(true, a, b).to_bits(), a.to_bits());
            assert_eq!(pick(false, a, b).to_bits(), b.to_bits());
        }
        assert_eq!(pick_f32(true, 0.25, -1.0), 0.25);
        assert_eq!(pick_f32(false, 0.25, -1.0), -1.0);
        assert_eq!(when(true, -3.5), -3.5);
        assert_eq!(when(false, -3.5).to_bits(), 0.0f64.to_bits());
        assert_eq!(when_f32(true, 0.7), 0.7);
        assert_eq!(when_f32(false, 0.7).to_bits(), 0.0f32.to_bits());
    }

    #[test]
    fn adding_an_absent_term_leaves_a_sum_unchanged() {
        for x in [0.0, -1.25, 3.0e-9, 12345.678] {
            assert_eq!((x + when(false, 0.4)).to_bits(), x.to_bits());
        }
    }
}
