;; if/else writing a local in one arm only: the merge needs a parameter for it, while the
;; local that no arm writes stays the same value (no trivial parameter survives).
;;! test = frontend

(module
  (func (param $c i32) (param $x i32) (result i32)
    (local $y i32)
    (local.set $y (i32.const 7))
    (if (local.get $c)
      (then (local.set $x (i32.add (local.get $x) (i32.const 1))))
      (else (nop)))
    (i32.add (local.get $x) (local.get $y))))

;; expected:
;; function %f0(ref, i32, i32) -> i32 {
;; block0(v0: ref, v1: i32, v2: i32):
;;     v3 = iconst.i32 7
;;     brif v1, block1, block3
;; block1:
;;     v4 = iconst.i32 1
;;     v5 = iadd.i32 v2, v4
;;     jump block2(v5)
;; block2(v6: i32):
;;     v8 = iadd.i32 v6, v3
;;     return v8
;; block3:
;;     jump block2(v2)
;; }
