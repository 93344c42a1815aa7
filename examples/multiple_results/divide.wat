;; Functions with more than one result (WebAssembly 2.0's multi-value), in both directions.
(module $divide
  ;; min_max(a, b) -> (min, max): implemented by the host, returning two results too.
  (import "env" "min_max" (func $min_max (param i32 i32) (result i32 i32)))

  ;; divmod(a, b) -> (quotient, remainder), unsigned. Dividing by zero traps.
  (func $divmod (export "divmod") (param $a i32) (param $b i32) (result i32 i32)
    local.get $a
    local.get $b
    i32.div_u
    local.get $a
    local.get $b
    i32.rem_u)

  ;; range_width(a, b) -> (width, min): asks the host for (min, max), returns max - min and min.
  (func $range_width (export "range_width") (param $a i32) (param $b i32) (result i32 i32)
    (local $min i32)
    (local $max i32)
    local.get $a
    local.get $b
    call $min_max
    local.set $max
    local.set $min
    local.get $max
    local.get $min
    i32.sub
    local.get $min))
