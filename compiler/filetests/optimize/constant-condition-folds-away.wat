;; End to end: an `if` on a constant. const_fold turns the branch into a jump,
;; unreachable_blocks drops the else arm, copy_prop replaces the join's parameter by the
;; then arm's value, and dce removes what is left unused: the function returns x * 2.
;;! test = optimize

(module
  (func (param $x i32) (result i32)
    (if (result i32) (i32.const 1)
      (then (i32.mul (local.get $x) (i32.const 2)))
      (else (i32.div_s (local.get $x) (i32.const 0))))))

;; expected:
;; function %f0(ref, i32) -> i32 {
;; block0(v0: ref, v1: i32):
;;     jump block1
;; block1:
;;     v3 = iconst.i32 2
;;     v4 = imul.i32 v1, v3
;;     jump block2
;; block2:
;;     return v4
;; }
