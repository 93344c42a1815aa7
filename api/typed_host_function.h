// Typed host functions: turns an ordinary C++ callable into the stack-based HostFunction or
// HostModuleFunction that Wasm imports, with its Wasm signature deduced from the callable's C++
// signature at compile time. This is the C++ form of wazero's reflection-based WithFunc:
//   auto add = [](uint32_t a, uint32_t b) { return a + b; };          // (i32, i32) -> i32
//   auto split = [](int64_t x) { return std::make_tuple(x >> 32, x); }; // (i64) -> (i64, i64)
//   auto peek = [](Module& caller, uint32_t p) {                      // reads caller memory
//     return caller.Memory()->ReadUint32Le(p).value_or(0);
//   };
//   std::unique_ptr<HostFunction> fn = NewTypedHostFunction(add);
//   HostSignature<decltype(add)>::kParams  ==  {kValueTypeI32, kValueTypeI32}
//
// Mapping of C++ types to Wasm value types (each value is one uint64_t slot, encoded with the
// api/wasm.h helpers, so floats and NaN payloads pass bit-exactly):
//   int32_t, uint32_t -> i32    int64_t, uint64_t -> i64    float -> f32    double -> f64
//   Externref         -> externref
// Params may be taken by value or by const reference. The result is void (no results), one of
// the types above, or a std::tuple of them (multiple results). The callable may start with a
// `const kiln::Context&` and then an `api::Module&` (either or both, in that order); taking
// the Module makes it a HostModuleFunction, which receives the calling module. Any other type
// fails to compile with a static_assert naming the problem. The wrappers are header-only and
// cost one indirect call plus the slot encoding: no allocation per call.
#ifndef KILN_API_TYPED_HOST_FUNCTION_H_
#define KILN_API_TYPED_HOST_FUNCTION_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

#include "absl/types/span.h"
#include "api/context.h"
#include "api/function.h"
#include "api/wasm.h"

namespace kiln::api {

class Module;

// Externref is how a typed host function takes or returns an externref: an opaque host
// pointer, zero meaning null. A distinct type because uintptr_t is the same type as uint64_t
// on LP64 hosts, where it already means i64.
struct Externref {
  uintptr_t value = 0;

  constexpr bool IsNull() const { return value == 0; }
  friend constexpr bool operator==(Externref a, Externref b) { return a.value == b.value; }
  friend constexpr bool operator!=(Externref a, Externref b) { return a.value != b.value; }
};

namespace typed_host_internal {

template <typename T>
inline constexpr bool kAlwaysFalse = false;

template <typename T>
inline constexpr bool kIsTuple = false;
template <typename... Ts>
inline constexpr bool kIsTuple<std::tuple<Ts...>> = true;

// WasmValue<T> maps one C++ value type to its Wasm value type and slot encoding. Only the
// specialisations below exist as values; the primary template names the allowed types.
template <typename T>
struct WasmValue {
  static constexpr bool kSupported = false;
};
template <>
struct WasmValue<int32_t> {
  static constexpr bool kSupported = true;
  static constexpr ValueType kType = kValueTypeI32;
  static int32_t Decode(uint64_t slot) { return DecodeI32(slot); }
  static uint64_t Encode(int32_t value) { return EncodeI32(value); }
};
template <>
struct WasmValue<uint32_t> {
  static constexpr bool kSupported = true;
  static constexpr ValueType kType = kValueTypeI32;
  static uint32_t Decode(uint64_t slot) { return DecodeU32(slot); }
  static uint64_t Encode(uint32_t value) { return EncodeU32(value); }
};
template <>
struct WasmValue<int64_t> {
  static constexpr bool kSupported = true;
  static constexpr ValueType kType = kValueTypeI64;
  static int64_t Decode(uint64_t slot) { return static_cast<int64_t>(slot); }
  static uint64_t Encode(int64_t value) { return EncodeI64(value); }
};
template <>
struct WasmValue<uint64_t> {
  static constexpr bool kSupported = true;
  static constexpr ValueType kType = kValueTypeI64;
  static uint64_t Decode(uint64_t slot) { return slot; }
  static uint64_t Encode(uint64_t value) { return value; }
};
template <>
struct WasmValue<float> {
  static constexpr bool kSupported = true;
  static constexpr ValueType kType = kValueTypeF32;
  static float Decode(uint64_t slot) { return DecodeF32(slot); }
  static uint64_t Encode(float value) { return EncodeF32(value); }
};
template <>
struct WasmValue<double> {
  static constexpr bool kSupported = true;
  static constexpr ValueType kType = kValueTypeF64;
  static double Decode(uint64_t slot) { return DecodeF64(slot); }
  static uint64_t Encode(double value) { return EncodeF64(value); }
};
template <>
struct WasmValue<Externref> {
  static constexpr bool kSupported = true;
  static constexpr ValueType kType = kValueTypeExternRef;
  static Externref Decode(uint64_t slot) { return Externref{DecodeExternref(slot)}; }
  static uint64_t Encode(Externref value) { return EncodeExternref(value.value); }
};

// ParamValue checks one declared parameter type and names the value type it carries.
template <typename P>
struct ParamValue {
  using Value = std::remove_cv_t<std::remove_reference_t<P>>;
  static_assert(!std::is_lvalue_reference_v<P> || std::is_const_v<std::remove_reference_t<P>>,
                "typed host function: take Wasm params by value or const reference; results "
                "are returned, not written through references");
  static_assert(WasmValue<Value>::kSupported,
                "typed host function: unsupported param type; use int32_t, uint32_t, int64_t, "
                "uint64_t, float, double or api::Externref (after an optional leading "
                "const kiln::Context& and api::Module&)");
};

// ResultValues lists the Wasm results of a return type: void, one value, or a std::tuple.
template <typename R>
struct ResultValues {
  static_assert(!std::is_reference_v<R>,
                "typed host function: return results by value, not by reference");
  static_assert(std::is_reference_v<R> || WasmValue<std::remove_cv_t<R>>::kSupported,
                "typed host function: unsupported result type; return void, one of int32_t, "
                "uint32_t, int64_t, uint64_t, float, double, api::Externref, or a std::tuple of "
                "them");
  using Tuple = std::tuple<std::remove_cv_t<R>>;
};
template <>
struct ResultValues<void> {
  using Tuple = std::tuple<>;
};
template <typename... Rs>
struct ResultValues<std::tuple<Rs...>> {
  static_assert((WasmValue<Rs>::kSupported && ...),
                "typed host function: unsupported type in the result tuple; use int32_t, "
                "uint32_t, int64_t, uint64_t, float, double or api::Externref");
  using Tuple = std::tuple<Rs...>;
};

// Signature<R, Args...> splits a C++ signature into its optional leading Context and Module
// parameters and the Wasm params.
template <typename R, typename... Args>
struct Signature;

template <typename R, typename... Args>
struct WasmOnlySignature {
  static constexpr bool kTakesContext = false;
  static constexpr bool kTakesModule = false;
  using Result = R;
  using Params = std::tuple<Args...>;
};

// ModuleThenWasm handles the part after an optional Context: an optional Module&, then params.
template <typename R, typename... Args>
struct ModuleThenWasm : WasmOnlySignature<R, Args...> {};
template <typename R, typename... Args>
struct ModuleThenWasm<R, Module&, Args...> : WasmOnlySignature<R, Args...> {
  static constexpr bool kTakesModule = true;
};

template <typename R, typename... Args>
struct Signature : ModuleThenWasm<R, Args...> {};
template <typename R, typename... Args>
struct Signature<R, const Context&, Args...> : ModuleThenWasm<R, Args...> {
  static constexpr bool kTakesContext = true;
};

// CallableSignature finds the one call signature of a function, function pointer, or class
// with a single non-template operator() (lambdas, including mutable and noexcept ones).
template <typename F, typename = void>
struct CallableSignature {
  static_assert(kAlwaysFalse<F>,
                "typed host function: the callable needs exactly one non-template call "
                "signature (no generic `auto` lambdas or overloaded operator())");
};
template <typename R, typename... Args>
struct CallableSignature<R(Args...)> : Signature<R, Args...> {};
template <typename R, typename... Args>
struct CallableSignature<R(Args...) noexcept> : Signature<R, Args...> {};
template <typename R, typename... Args>
struct CallableSignature<R (*)(Args...)> : Signature<R, Args...> {};
template <typename R, typename... Args>
struct CallableSignature<R (*)(Args...) noexcept> : Signature<R, Args...> {};

template <typename M>
struct MemberSignature;
template <typename C, typename R, typename... Args>
struct MemberSignature<R (C::*)(Args...)> : Signature<R, Args...> {};
template <typename C, typename R, typename... Args>
struct MemberSignature<R (C::*)(Args...) const> : Signature<R, Args...> {};
template <typename C, typename R, typename... Args>
struct MemberSignature<R (C::*)(Args...) noexcept> : Signature<R, Args...> {};
template <typename C, typename R, typename... Args>
struct MemberSignature<R (C::*)(Args...) const noexcept> : Signature<R, Args...> {};

template <typename F>
struct CallableSignature<F, std::void_t<decltype(&F::operator())>>
    : MemberSignature<decltype(&F::operator())> {};

template <typename Tuple, size_t... I>
constexpr std::array<ValueType, sizeof...(I)> ParamTypeArray(std::index_sequence<I...>) {
  return {WasmValue<typename ParamValue<std::tuple_element_t<I, Tuple>>::Value>::kType...};
}
template <typename... Rs>
constexpr std::array<ValueType, sizeof...(Rs)> ResultTypeArray(std::tuple<Rs...>*) {
  return {WasmValue<Rs>::kType...};
}

}  // namespace typed_host_internal

// HostSignature<F> is what a callable of type F looks like to Wasm: kParams and kResults are
// its value types, kUsesModule says whether it receives the calling module (and so becomes a
// HostModuleFunction). Usable in constant expressions.
template <typename F>
struct HostSignature {
  using Callable =
      typed_host_internal::CallableSignature<std::remove_cv_t<std::remove_reference_t<F>>>;
  using Params = typename Callable::Params;
  using Results = typename typed_host_internal::ResultValues<typename Callable::Result>::Tuple;

  static constexpr bool kTakesContext = Callable::kTakesContext;
  static constexpr bool kUsesModule = Callable::kTakesModule;
  static constexpr std::array<ValueType, std::tuple_size_v<Params>> kParams =
      typed_host_internal::ParamTypeArray<Params>(
          std::make_index_sequence<std::tuple_size_v<Params>>());
  static constexpr std::array<ValueType, std::tuple_size_v<Results>> kResults =
      typed_host_internal::ResultTypeArray(static_cast<Results*>(nullptr));
};

namespace typed_host_internal {

// Invoke decodes the params from `stack`, calls `fn` (with ctx/mod first if it takes them)
// and encodes its results back from stack[0]. All params are decoded before the call, so
// results may overwrite their slots.
template <typename F, size_t... I>
void Invoke(F& fn, const Context& ctx, Module* mod, absl::Span<uint64_t> stack,
            std::index_sequence<I...>) {
  using Sig = HostSignature<F>;
  using Params = typename Sig::Params;
  auto call = [&](auto&&... values) -> decltype(auto) {
    if constexpr (Sig::kTakesContext && Sig::kUsesModule) {
      return fn(ctx, *mod, std::forward<decltype(values)>(values)...);
    } else if constexpr (Sig::kTakesContext) {
      return fn(ctx, std::forward<decltype(values)>(values)...);
    } else if constexpr (Sig::kUsesModule) {
      return fn(*mod, std::forward<decltype(values)>(values)...);
    } else {
      return fn(std::forward<decltype(values)>(values)...);
    }
  };
  std::tuple<typename ParamValue<std::tuple_element_t<I, Params>>::Value...> args{
      WasmValue<typename ParamValue<std::tuple_element_t<I, Params>>::Value>::Decode(stack[I])...};
  using Result = typename Sig::Callable::Result;
  if constexpr (std::is_void_v<Result>) {
    std::apply(call, std::move(args));
  } else {
    Result result = std::apply(call, std::move(args));
    if constexpr (!kIsTuple<std::remove_cv_t<Result>>) {
      stack[0] = WasmValue<std::remove_cv_t<Result>>::Encode(result);
    } else {
      std::apply(
          [&](const auto&... values) {
            size_t slot = 0;
            ((stack[slot++] =
                  WasmValue<std::remove_cv_t<std::remove_reference_t<decltype(values)>>>::Encode(
                      values)),
             ...);
          },
          result);
    }
  }
}

}  // namespace typed_host_internal

// TypedHostFunc is the HostFunction form of a callable that does not take the Module.
template <typename F>
class TypedHostFunc final : public HostFunction {
 public:
  static_assert(!HostSignature<F>::kUsesModule, "use TypedHostModuleFunc for Module& callables");
  explicit TypedHostFunc(F fn) : fn_(std::move(fn)) {}

  void Call(const Context& ctx, absl::Span<uint64_t> stack) override {
    typed_host_internal::Invoke(
        fn_, ctx, nullptr, stack,
        std::make_index_sequence<std::tuple_size_v<typename HostSignature<F>::Params>>());
  }

 private:
  F fn_;
};

// TypedHostModuleFunc is the HostModuleFunction form of a callable that takes the Module.
template <typename F>
class TypedHostModuleFunc final : public HostModuleFunction {
 public:
  static_assert(HostSignature<F>::kUsesModule, "use TypedHostFunc for callables without Module&");
  explicit TypedHostModuleFunc(F fn) : fn_(std::move(fn)) {}

  void Call(const Context& ctx, Module& mod, absl::Span<uint64_t> stack) override {
    typed_host_internal::Invoke(
        fn_, ctx, &mod, stack,
        std::make_index_sequence<std::tuple_size_v<typename HostSignature<F>::Params>>());
  }

 private:
  F fn_;
};

// NewTypedHostFunction wraps `fn` as a std::unique_ptr<HostModuleFunction> when it takes an
// api::Module&, and as a std::unique_ptr<HostFunction> otherwise. HostSignature<F> gives the
// matching param and result types.
template <typename F>
auto NewTypedHostFunction(F&& fn) {
  using Fn = std::decay_t<F>;
  if constexpr (HostSignature<Fn>::kUsesModule) {
    return std::unique_ptr<HostModuleFunction>(
        std::make_unique<TypedHostModuleFunc<Fn>>(std::forward<F>(fn)));
  } else {
    return std::unique_ptr<HostFunction>(std::make_unique<TypedHostFunc<Fn>>(std::forward<F>(fn)));
  }
}

}  // namespace kiln::api

#endif  // KILN_API_TYPED_HOST_FUNCTION_H_
