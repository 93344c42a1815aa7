;; A block with a result reached by a fallthrough and by br_if: the merge block gets one
;; parameter for the result, the br_if edge passes the value on the stack.
;;! test = frontend

(module
  (func (param i32 i32) (result i32)
    (block (result i32)
      (i32.const 10)
      (br_if 0 (local.get 0))
      (drop)
      (local.get 1))))

;; expected:
;; function %f0(ref, i32, i32) -> i32 {
;; block0(v0: ref, v1: i32, v2: i32):
;;     v3 = iconst.i32 10
;;     brif v1, block2(v3), block1
;; block1:
;;     jump block2(v2)
;; block2(v4: i32):
;;     return v4
;; }
