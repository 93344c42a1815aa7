;; A module for the cache example: what it computes does not matter, only that compiling it
;; is work the cache saves.
(module $fib
  ;; fib(n): the n-th Fibonacci number, iteratively.
  (func $fib (export "fib") (param $n i32) (result i64)
    (local $a i64)
    (local $b i64)
    i64.const 1
    local.set $b
    (block $done
      (loop $step
        local.get $n
        i32.eqz
        br_if $done
        local.get $b
        local.get $a
        local.get $b
        i64.add
        local.set $b
        local.set $a
        local.get $n
        i32.const 1
        i32.sub
        local.set $n
        br $step))
    local.get $a))
