/// @file kernels.hpp  The matrix products of the tape's matmul, forward and both backward
/// products, as loops whose innermost loop runs over contiguous memory with no reduction, so
/// that the compiler turns it into SIMD code for the target (SSE2 by default, AVX2 and FMA with
/// -mavx2 -mfma or -march=native). Sums run in a fixed order: results do not depend on the data's
/// alignment or on the machine.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace etgrad::detail {

/// The dot product of n contiguous elements, in four interleaved partial sums (a fixed order).
inline double dot_kernel(const double* __restrict a, const double* __restrict b, std::int64_t n) noexcept {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    std::int64_t k = 0;
    for (; k + 4 <= n; k += 4) {
        s0 += a[k] * b[k];
        s1 += a[k + 1] * b[k + 1];
        s2 += a[k + 2] * b[k + 2];
        s3 += a[k + 3] * b[k + 3];
    }
    for (; k < n; ++k) s0 += a[k] * b[k];
    return (s0 + s1) + (s2 + s3);
}
/// y[0, n) += a * x[0, n).
inline void axpy_kernel(double a, const double* __restrict x, double* __restrict y, std::int64_t n) noexcept {
    for (std::int64_t k = 0; k < n; ++k) y[k] += a * x[k];
}

/// out (R x P) = A (R x M) B (M x P), all row-major and contiguous.
inline void matmul_kernel(const double* A, const double* B, double* __restrict out, std::int64_t R, std::int64_t M,
                          std::int64_t P) noexcept {
    if (P == 1) {  // a matrix times a vector: one dot product per row
        for (std::int64_t i = 0; i < R; ++i) out[i] = dot_kernel(A + i * M, B, M);
        return;
    }
    for (std::int64_t i = 0; i < R; ++i) {  // row i of out: sum over k of A[i, k] * row k of B
        double* o = out + i * P;
        for (std::int64_t j = 0; j < P; ++j) o[j] = 0;
        for (std::int64_t k = 0; k < M; ++k) axpy_kernel(A[i * M + k], B + k * P, o, P);
    }
}

/// dA (R x M) += adj (R x P) B^T, with B (M x P): B is transposed once, so that each row of dA
/// gathers rows of B^T contiguously.
inline void matmul_grad_a_kernel(const double* adj, const double* B, double* __restrict dA, std::int64_t R,
                                 std::int64_t M, std::int64_t P) {
    if (P == 1) {  // dA[r, :] += adj[r] * B
        for (std::int64_t r = 0; r < R; ++r) axpy_kernel(adj[r], B, dA + r * M, M);
        return;
    }
    std::vector<double> BT(static_cast<std::size_t>(M * P));
    for (std::int64_t k = 0; k < M; ++k)
        for (std::int64_t p = 0; p < P; ++p) BT[std::size_t(p * M + k)] = B[k * P + p];
    for (std::int64_t r = 0; r < R; ++r)
        for (std::int64_t p = 0; p < P; ++p) axpy_kernel(adj[r * P + p], BT.data() + p * M, dA + r * M, M);
}

/// dB (M x P) += A^T adj, with A (R x M), adj (R x P): A is read once, row by row, in order.
inline void matmul_grad_b_kernel(const double* A, const double* adj, double* __restrict dB, std::int64_t R,
                                 std::int64_t M, std::int64_t P) noexcept {
    if (P == 1) {  // dB += sum over r of adj[r] * A[r, :]
        for (std::int64_t r = 0; r < R; ++r) axpy_kernel(adj[r], A + r * M, dB, M);
        return;
    }
    for (std::int64_t r = 0; r < R; ++r)
        for (std::int64_t k = 0; k < M; ++k) axpy_kernel(A[r * M + k], adj + r * P, dB + k * P, P);
}

}  // namespace etgrad::detail
