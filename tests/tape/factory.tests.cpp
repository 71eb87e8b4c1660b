// Making tensors: shapes are checked once, where a tensor is made, with PyTorch's rules.
#include <cmath>
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

TEST_CASE("ones, full and arange make tensors as torch.ones, torch.full and torch.arange do", "[tape][factory]") {
    CHECK(ones({2, 3}).to_vector() == std::vector<double>(6, 1.0));
    CHECK(ones({2, 3}).shape() == std::vector<std::int64_t>{2, 3});
    CHECK(ones({}).shape().empty());
    CHECK(full({4}, 2.5).to_vector() == std::vector<double>(4, 2.5));
    CHECK_THROWS_AS(full({-1}, 1.0), shape_error);
    CHECK(arange(5).to_vector() == std::vector<double>{0, 1, 2, 3, 4});
    CHECK(arange(1.0, 2.0, 0.25).to_vector() == std::vector<double>{1.0, 1.25, 1.5, 1.75});
    CHECK(arange(3.0, 0.0, -1.0).to_vector() == std::vector<double>{3, 2, 1});
    CHECK(arange(0.0, 1.0, 0.3).numel() == 4);  // ceil(1 / 0.3)
    CHECK(arange(2.0, 2.0).numel() == 0);
    CHECK_THROWS_AS(arange(0.0, 1.0, 0.0), std::invalid_argument);
    CHECK_THROWS_AS(arange(0.0, 1.0, -1.0), std::invalid_argument);
    CHECK_THROWS_AS(arange(0.0, 1e300, 1e-300), shape_error);
}

TEST_CASE("clone copies the storage and passes the gradient through (CloneBackward0)", "[tape][factory]") {
    Tensor v = tensor({1.0, 2.0}, requires_grad);
    Tensor c = v.clone();
    CHECK(c.grad_fn() == "CloneBackward0");
    CHECK(c.to_vector() == v.to_vector());
    CHECK(c.data() != v.data());
    sum(c * c).backward();
    CHECK(v.grad().to_vector() == std::vector<double>{2.0, 4.0});
    Tensor s = tensor(3.0, requires_grad);
    Tensor sc = s.clone();
    CHECK(sc.grad_fn() == "CloneBackward0");
    (sc * sc).backward();
    CHECK(s.grad().item() == 6.0);
    Tensor plain = tensor({1.0, 2.0});
    Tensor pc = plain.clone();
    pc.data()[0] = 7.0;  // its own storage
    CHECK(plain.to_vector() == std::vector<double>{1.0, 2.0});
    CHECK(pc.is_leaf());
}

TEST_CASE("rand and randn are seeded per thread and have the right distributions", "[tape][factory]") {
    manual_seed(42);
    const std::vector<double> a = rand({3, 4}).to_vector();
    manual_seed(42);
    CHECK(rand({3, 4}).to_vector() == a);  // reproducible
    CHECK(rand({3, 4}).to_vector() != a);  // and moving on
    for (double x : a) CHECK((x >= 0.0 && x < 1.0));
    manual_seed(7);
    const std::vector<double> u = rand({100000}).to_vector();
    const std::vector<double> z = randn({100001}).to_vector();  // odd: the last pair is half used
    double su = 0, sz = 0, szz = 0;
    for (double x : u) su += x;
    for (double x : z) {
        sz += x;
        szz += x * x;
    }
    const double n = double(z.size());
    CHECK(std::fabs(su / double(u.size()) - 0.5) < 0.01);  // standard error 0.0009
    CHECK(std::fabs(sz / n) < 0.02);                        // standard error 0.0032
    CHECK(std::fabs(szz / n - 1.0) < 0.03);                 // standard error 0.0045
    CHECK(randn({2, 3}).shape() == std::vector<std::int64_t>{2, 3});
    CHECK_THROWS_AS(randn({-2}), shape_error);
}
