;; End to end: a loop that adds an imported global to a sum. The pointer to the imported
;; global is a read-only VM-context field, so licm hoists its load out of the loop and gvn
;; merges the two reads of it; the global's value is mutable state (a call could change it)
;; and is read again in every iteration. Constants the loop needs stay inside it.
;;! test = optimize

(module
  (import "env" "g" (global $g (mut i32)))
  (func (param $n i32) (result i32)
    (local $sum i32)
    (loop $again
      (local.set $sum (i32.add (local.get $sum) (global.get $g)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (local.get $n)))
    (i32.add (local.get $sum) (global.get $g))))

;; expected:
;; function %f0(ref, i32) -> i32 {
;; block0(v0: ref, v1: i32):
;;     v12 = iconst.i32 0
;;     v3 = vm_load_readonly.ref v0+32
;;     jump block1(v12, v1)
;; block1(v2: i32, v6: i32):
;;     v4 = vm_load.i32 v3
;;     v5 = iadd.i32 v2, v4
;;     v7 = iconst.i32 1
;;     v8 = isub.i32 v6, v7
;;     brif v8, block1(v5, v8), block2
;; block2:
;;     v10 = vm_load.i32 v3
;;     v11 = iadd.i32 v5, v10
;;     return v11
;; }
