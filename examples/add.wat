;; A small module to try the kiln command line on:
;;   bazel run //tools:kiln -- inspect examples/add.wat
;; It adds two i32s, reports each sum to a host function it imports, and exports its memory
;; and a counter of calls kept there.
(module $example
  (import "env" "log_i32" (func $log_i32 (param i32)))
  (memory (export "memory") 1)

  ;; add returns a + b (wrapping).
  (func $add (export "add") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))

  ;; add_and_log computes add(a, b), passes the sum to the host, counts the call at address 0
  ;; and returns the sum.
  (func $add_and_log (export "add_and_log") (param $a i32) (param $b i32) (result i32)
    (local $sum i32)
    (local.set $sum (call $add (local.get $a) (local.get $b)))
    (call $log_i32 (local.get $sum))
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (local.get $sum))

  ;; calls returns how many times add_and_log ran.
  (func (export "calls") (result i32)
    (i32.load (i32.const 0))))
