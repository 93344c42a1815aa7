;; A direct call to a defined function passes the caller's VM context; a call to an imported
;; function loads code and VM context from its FuncRef record.
;;! test = frontend

(module
  (import "env" "log" (func $log (param i64)))
  (func $square (param i64) (result i64) (i64.mul (local.get 0) (local.get 0)))
  (func (param i64)
    (call $log (call $square (local.get 0)))))

;; expected:
;; function %f1(ref, i64) -> i64 {
;; block0(v0: ref, v1: i64):
;;     v2 = imul.i64 v1, v1
;;     return v2
;; }
;;
;; function %f2(ref, i64) {
;;     sig0 = (ref, i64) -> i64
;;     sig1 = (ref, i64)
;; block0(v0: ref, v1: i64):
;;     v2 = call fn1 sig0(v0, v1)
;;     v3 = vm_load_readonly.ref v0+32
;;     v4 = vm_load_readonly.ref v0+40
;;     call_indirect sig1 v3(v4, v2)
;;     return
;; }
