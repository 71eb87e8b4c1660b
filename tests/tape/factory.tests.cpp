// Making tensors: shapes are checked once, where a tensor is made, with PyTorch's rules.
#include <cstdint>
#include <limits>
#include <vector>

#include <etgrad/tape.hpp>

#include "support/catch.hpp"

using namespace etgrad;

TEST_CASE("tensor({...}) makes a vector, tensor({{...}}) a matrix, tensor({}) the empty vector", "[tape][factory]") {
    CHECK(tensor({}).shape() == std::vector<std::int64_t>{0});
    CHECK(tensor({{1.0}}).shape() == std::vector<std::int64_t>{1, 1});
    CHECK(tensor({1.0}).shape() == std::vector<std::int64_t>{1});
    CHECK(tensor({1, 2, 3}).to_vector() == std::vector<double>{1.0, 2.0, 3.0});
    CHECK(tensor({{1.0, 2.0}, {3.0, 4.0}}).shape() == std::vector<std::int64_t>{2, 2});
    CHECK(tensor({{}}).shape() == std::vector<std::int64_t>{1, 0});
    CHECK(tensor({2.0, 3.0}, requires_grad).requires_grad());
    CHECK_THROWS_AS(tensor({{1.0, 2.0}, {3.0}}), shape_error);
}

TEST_CASE("negative or overflowing dimensions are a shape_error", "[tape][factory]") {
    CHECK_THROWS_AS(from_vector({1.0, 2.0}, {-1, -2}), shape_error);
    CHECK_THROWS_AS(zeros({-1}), shape_error);
    CHECK_THROWS_AS(zeros({std::int64_t{1} << 32, std::int64_t{1} << 32}), shape_error);
    CHECK_THROWS_AS(zeros({std::numeric_limits<std::int64_t>::max(), 2}), shape_error);
    CHECK_THROWS_AS(from_vector({1.0}, {1, 1, 1}), shape_error);
    try {
        zeros({3, -2});
        FAIL("no shape_error");
    } catch (const shape_error& e) {
        CHECK(std::string(e.what()) == "zeros: Trying to create tensor with negative dimension -2: [3, -2]");
    }
    CHECK(zeros({0, 5}).numel() == 0);
    CHECK(zeros({2, 3}).to_vector() == std::vector<double>(6, 0.0));
}
