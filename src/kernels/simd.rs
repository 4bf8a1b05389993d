//! The one place that picks CPU instructions. A kernel is written once, as plain Rust on
//! slices; `multiversion!` compiles it again for AVX-512 and AVX2 and picks the best build the
//! CPU has at run time. [`Isa`] names those builds and asks the CPU which it can run; the
//! matrix product ([`crate::kernels::gemm`]) picks its compiled kernel through it too.

/// The instruction sets the crate compiles kernels for, slowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    /// Plain Rust for any x86-64 (SSE2) or other CPU.
    Portable,
    /// AVX2 with FMA.
    Avx2,
    /// AVX-512F with FMA.
    Avx512,
}

impl Isa {
    /// Whether this CPU has the instructions (the standard library caches the answer, so asking
    /// costs a load and a test).
    pub fn runs_here(self) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            let fma = std::arch::is_x86_feature_detected!("fma");
            match self {
                Isa::Portable => true,
                Isa::Avx2 => fma && std::arch::is_x86_feature_detected!("avx2"),
                Isa::Avx512 => fma && std::arch::is_x86_feature_detected!("avx512f"),
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            self == Isa::Portable
        }
    }

    /// The instruction sets this CPU can run, slowest first.
    pub fn available() -> Vec<Isa> {
        [Isa::Portable, Isa::Avx2, Isa::Avx512].into_iter().filter(|k| k.runs_here()).collect()
    }

    /// The fastest this CPU can run.
    pub fn best() -> Isa {
        *Isa::available().last().expect("Portable always runs")
    }
}

/// Runs `$generic(args)` compiled for AVX-512 or AVX2 when the CPU has them. The three builds
/// execute the same operations in the same order (the kernels use `mul_add`, which rounds
/// once whatever the hardware), so the results are identical bit for bit on every CPU.
macro_rules! multiversion {
    ($vis:vis fn $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)? => $generic:ident) => {
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,fma")]
                fn avx512($($arg: $ty),*) $(-> $ret)? {
                    $generic($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                fn avx2($($arg: $ty),*) $(-> $ret)? {
                    $generic($($arg),*)
                }
                if $crate::kernels::simd::Isa::Avx512.runs_here() {
                    // SAFETY: the CPU has just been checked for AVX-512F and FMA.
                    return unsafe { avx512($($arg),*) };
                }
                if $crate::kernels::simd::Isa::Avx2.runs_here() {
                    // SAFETY: the CPU has just been checked for AVX2 and FMA.
                    return unsafe { avx2($($arg),*) };
                }
            }
            $generic($($arg),*)
        }
    };
}
pub(crate) use multiversion;
