// The loop kernels of loop_kernels.h, in the text format.
#include "bench/loop_kernels.h"

#include "compiler/text/wat_parser.h"

namespace kiln::bench {
namespace {

constexpr char kLoopKernels[] = R"((module
  (memory 4)

  ;; count: the smallest loop body (xor, shift, add), the worst case for a back-edge poll.
  (func (export "count") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
                             (i32.xor (local.get $i) (i32.shr_u (local.get $s) (i32.const 3)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $s))

  ;; reduce: `reps` sums of n i32s from memory; each iteration is independent but for one add,
  ;; so the loop is bound by instruction throughput, where a poll costs most.
  (func (export "reduce") (param $n i32) (param $reps i32) (result i32)
    (local $i i32) (local $r i32) (local $acc i32)
    (loop $fill
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (i32.mul (local.get $i) (i32.const 7)))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (local.get $n))))
    (loop $rep
      (local.set $i (i32.const 0))
      (loop $sum
        (local.set $acc (i32.add (local.get $acc)
                                 (i32.load (i32.shl (local.get $i) (i32.const 2)))))
        (br_if $sum (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                              (local.get $n))))
      (br_if $rep (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1)))
                            (local.get $reps))))
    (local.get $acc))

  ;; matmul: `reps` products of two n x n f64 matrices (at 0 and n*n*8; the result after them).
  (func (export "matmul") (param $n i32) (param $reps i32) (result i32)
    (local $i i32) (local $j i32) (local $k i32) (local $r i32) (local $nn8 i32) (local $sum f64)
    (local.set $nn8 (i32.shl (i32.mul (local.get $n) (local.get $n)) (i32.const 3)))
    (block $filled (loop $fill
      (br_if $filled (i32.ge_u (local.get $i) (i32.mul (local.get $n) (local.get $n))))
      (f64.store (i32.shl (local.get $i) (i32.const 3))
                 (f64.convert_i32_u (i32.and (local.get $i) (i32.const 7))))
      (f64.store (i32.add (local.get $nn8) (i32.shl (local.get $i) (i32.const 3)))
                 (f64.convert_i32_u (i32.rem_u (local.get $i) (i32.const 5))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $fill)))
    (loop $rep
      (local.set $i (i32.const 0))
      (loop $li
        (local.set $j (i32.const 0))
        (loop $lj
          (local.set $sum (f64.const 0))
          (local.set $k (i32.const 0))
          (loop $lk
            (local.set $sum (f64.add (local.get $sum) (f64.mul
              (f64.load (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $k))
                                 (i32.const 3)))
              (f64.load (i32.add (local.get $nn8)
                                 (i32.shl (i32.add (i32.mul (local.get $k) (local.get $n))
                                                   (local.get $j))
                                          (i32.const 3)))))))
            (br_if $lk (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1)))
                                 (local.get $n))))
          (f64.store (i32.add (i32.shl (local.get $nn8) (i32.const 1))
                              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n))
                                                (local.get $j))
                                       (i32.const 3)))
                     (local.get $sum))
          (br_if $lj (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1)))
                               (local.get $n))))
        (br_if $li (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (local.get $n))))
      (br_if $rep (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1)))
                            (local.get $reps))))
    (i32.trunc_sat_f64_s (f64.load (i32.shl (local.get $nn8) (i32.const 1)))))

  ;; sieve: `reps` sieves of Eratosthenes over n bytes; returns the number of primes below n.
  (func (export "sieve") (param $n i32) (param $reps i32) (result i32)
    (local $i i32) (local $j i32) (local $r i32) (local $count i32)
    (loop $rep
      (local.set $i (i32.const 0))
      (block $set (loop $li
        (br_if $set (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (local.get $i) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $li)))
      (local.set $count (i32.const 0))
      (local.set $i (i32.const 2))
      (block $done (loop $li
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.load8_u (local.get $i))
          (then
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (if (i32.le_u (local.get $i) (i32.div_u (local.get $n) (local.get $i)))
              (then
                (local.set $j (i32.mul (local.get $i) (local.get $i)))
                (block $dj (loop $lj
                  (br_if $dj (i32.ge_u (local.get $j) (local.get $n)))
                  (i32.store8 (local.get $j) (i32.const 0))
                  (local.set $j (i32.add (local.get $j) (local.get $i)))
                  (br $lj)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $li)))
      (br_if $rep (i32.lt_u (local.tee $r (i32.add (local.get $r) (i32.const 1)))
                            (local.get $reps))))
    (local.get $count))

  ;; collatz: total Collatz steps of 1..n, an inner loop with a data-dependent trip count.
  (func (export "collatz") (param $n i32) (result i64)
    (local $i i32) (local $x i64) (local $steps i64)
    (local.set $i (i32.const 1))
    (loop $li
      (local.set $x (i64.extend_i32_u (local.get $i)))
      (block $d (loop $lx
        (br_if $d (i64.le_u (local.get $x) (i64.const 1)))
        (local.set $x (select (i64.add (i64.mul (local.get $x) (i64.const 3)) (i64.const 1))
                              (i64.shr_u (local.get $x) (i64.const 1))
                              (i32.wrap_i64 (i64.and (local.get $x) (i64.const 1)))))
        (local.set $steps (i64.add (local.get $steps) (i64.const 1)))
        (br $lx)))
      (br_if $li (i32.le_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                           (local.get $n))))
    (local.get $steps))

  ;; fib: naive recursion, no loops.
  (func $fib (export "fib") (param $n i32) (result i64)
    (if (result i64) (i32.lt_u (local.get $n) (i32.const 2))
      (then (i64.extend_i32_u (local.get $n)))
      (else (i64.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; spin: an infinite loop.
  (func (export "spin") (loop $l (br $l)))
))";

}  // namespace

absl::Span<const LoopKernel> LoopKernelList() {
  static const auto* const kernels = new std::vector<LoopKernel>{
      // clang-format off
      {"count", {100'000'000}, true},
      {"reduce", {65'536, 600}, true},
      {"matmul", {64, 200}, true},
      {"sieve", {100'000, 150}, true},
      {"collatz", {300'000}, true},
      {"fib", {30}, false},
      // clang-format on
  };
  return *kernels;
}

absl::StatusOr<std::vector<uint8_t>> LoopKernelsWasm() { return text::ParseWat(kLoopKernels); }

}  // namespace kiln::bench
