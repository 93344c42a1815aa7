;; The smallest useful module: one exported function that adds two 32-bit integers.
(module $add
  (func $add (export "add") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.add))
