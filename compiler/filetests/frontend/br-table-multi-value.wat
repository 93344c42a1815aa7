;; br_table to labels that carry two values: every target edge passes both stack values;
;; the outer block's merge block takes two parameters.
;;! test = frontend

(module
  (func (param i32) (result i32 i64)
    (block (result i32 i64)
      (block (result i32 i64)
        (i32.const 1)
        (i64.const 2)
        (br_table 0 1 0 (local.get 0)))
      (return)))
  )

;; expected:
;; function %f0(ref, i32) -> i32, i64 {
;; block0(v0: ref, v1: i32):
;;     v2 = iconst.i32 1
;;     v3 = iconst.i64 2
;;     br_table v1, block1, [block1, block2]
;; block1:
;;     return v2, v3
;; block2:
;;     return v2, v3
;; }
