;; A counting loop: the locals written in the loop body become parameters of the loop header,
;; fed by the entry edge (zero and the parameter) and by the back edge.
;;! test = frontend

(module
  (func (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $continue
      (local.set $sum (i32.add (local.get $sum) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $continue (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum)))

;; expected:
;; function %f0(ref, i32) -> i32 {
;; block0(v0: ref, v1: i32):
;;     v9 = iconst.i32 0
;;     jump block1(v9, v9)
;; block1(v2: i32, v3: i32):
;;     v4 = iadd.i32 v2, v3
;;     v5 = iconst.i32 1
;;     v6 = iadd.i32 v3, v5
;;     v8 = icmp.i32 ult v6, v1
;;     brif v8, block1(v4, v6), block2
;; block2:
;;     return v4
;; }
