;; Code after br, return and unreachable is not translated: only the reachable blocks and
;; the trap for `unreachable` appear.
;;! test = frontend

(module
  (func (param i32) (result i32)
    (block
      (br 0)
      (i32.const 1)
      (drop))
    (if (local.get 0)
      (then (unreachable) (i32.const 5) (return)))
    (return (i32.const 3))
    (i32.const 4)))

;; expected:
;; function %f0(ref, i32) -> i32 {
;; block0(v0: ref, v1: i32):
;;     jump block1
;; block1:
;;     brif v1, block2, block3
;; block2:
;;     trap unreachable
;; block3:
;;     v2 = iconst.i32 3
;;     return v2
;; }
