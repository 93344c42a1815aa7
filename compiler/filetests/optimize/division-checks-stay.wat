;; End to end: divisions by constants. Dividing by 0 or INT_MIN by -1 must trap when run, so
;; neither folds nor goes, even though the second result is unused; 100 / 7 folds to 14, and
;; x rem_s 1 is 0.
;;! test = optimize

(module
  (func (param $x i32) (result i32)
    (drop (i32.div_s (i32.const -2147483648) (i32.const -1)))
    (i32.add
      (i32.add (i32.div_u (local.get $x) (i32.const 0)) (i32.div_s (i32.const 100) (i32.const 7)))
      (i32.rem_s (local.get $x) (i32.const 1)))))

;; expected:
;; function %f0(ref, i32) -> i32 {
;; block0(v0: ref, v1: i32):
;;     v2 = iconst.i32 -2147483648
;;     v3 = iconst.i32 -1
;;     v4 = sdiv.i32 v2, v3
;;     v5 = iconst.i32 0
;;     v6 = udiv.i32 v1, v5
;;     v9 = iconst.i32 14
;;     v10 = iadd.i32 v6, v9
;;     return v10
;; }
