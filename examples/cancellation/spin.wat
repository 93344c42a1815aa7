;; Guest code that never returns on its own, to show how a host stops it.
(module $spin
  ;; forever(): an infinite loop.
  (func $forever (export "forever")
    (loop $again
      br $again))

  ;; fib(n): naive recursion, with no loop at all: fib(45) runs for many seconds. Interruption
  ;; is checked at function entries too, so a deadline stops this as well.
  (func $fib (export "fib") (param $n i32) (result i64)
    local.get $n
    i32.const 2
    i32.lt_u
    if (result i64)
      local.get $n
      i64.extend_i32_u
    else
      local.get $n
      i32.const 1
      i32.sub
      call $fib
      local.get $n
      i32.const 2
      i32.sub
      call $fib
      i64.add
    end))
