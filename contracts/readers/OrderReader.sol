// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Never deployed: its creation code runs inside one eth_call and reads orders [from, from + count)
/// of a SONM-style Market through GetOrderInfo and GetOrderParams, packed tightly, returned as revert
/// data (creation output is capped at 24 KiB by EIP-170; revert data is not). Each record is 321 bytes:
///   0 type, 1 status, 2 identity level, 3 netflags bitmask (1 byte each),
///   4 author, 24 counterparty, 44 blacklist (20 bytes each),
///   64 duration, 96 price, 128 frozenSum, 160 dealID, 192 tag (32 bytes each),
///   224 benchmark count (1 byte), 225 up to 12 benchmarks (8 bytes each).
/// An order whose getters fail comes back as zeroes (type 0 = unknown). One scratch buffer is reused
/// for every call's return data, so memory (and its quadratic gas cost) stays flat per order.
contract OrderReader {
    uint256 private constant RECORD = 321;
    uint256 private constant SCRATCH = 4096;
    // Left shifts by multiplication: SONM's 2018 sidechain predates SHL (Constantinople).
    uint256 private constant SHIFT_96 = 0x1000000000000000000000000;
    uint256 private constant SHIFT_192 = 0x1000000000000000000000000000000000000000000000000;
    // Selectors of GetOrderInfo(uint256) and GetOrderParams(uint256), shifted into the high bytes.
    uint256 private constant GET_ORDER_INFO = 0xe217866c00000000000000000000000000000000000000000000000000000000;
    uint256 private constant GET_ORDER_PARAMS = 0x3a90722700000000000000000000000000000000000000000000000000000000;

    constructor(address market, uint256 from, uint256 count) {
        // 32 bytes of slack: word-sized stores of the last record's fields may spill past its end.
        bytes memory out = new bytes(count * RECORD + 32);
        bytes memory scratch = new bytes(SCRATCH);
        for (uint256 i = 0; i < count; i++) {
            readOrder(market, from + i, scratch, i * RECORD, out);
        }
        assembly {
            revert(add(out, 32), sub(mload(out), 32))
        }
    }

    function readOrder(address market, uint256 id, bytes memory scratch, uint256 offset, bytes memory out) private view {
        assembly {
            let buf := add(scratch, 32)
            let dst := add(add(out, 32), offset)
            let p := mload(0x40)
            mstore(p, GET_ORDER_PARAMS)
            mstore(add(p, 4), id)
            let ok := staticcall(gas(), market, p, 36, 0, 0)
            if and(ok, iszero(lt(returndatasize(), 64))) {
                returndatacopy(buf, 0, 64)
                let status := mload(buf)
                let dealID := mload(add(buf, 32))
                mstore(p, GET_ORDER_INFO)
                mstore(add(p, 4), id)
                ok := staticcall(gas(), market, p, 36, 0, 0)
                let len := returndatasize()
                if and(ok, and(iszero(lt(len, 352)), iszero(gt(len, SCRATCH)))) {
                    returndatacopy(buf, 0, len)
                    // GetOrderInfo words: 0 type, 1 author, 2 counterparty, 3 duration, 4 price,
                    // 5 netflags offset, 6 identity, 7 blacklist, 8 tag, 9 benchmarks offset, 10 frozenSum.
                    let flagsAt := add(buf, mload(add(buf, 160)))
                    let flagCount := mload(flagsAt)
                    if gt(flagCount, 8) { flagCount := 8 }
                    let flags := 0
                    for { let k := 0 } lt(k, flagCount) { k := add(k, 1) } {
                        if mload(add(flagsAt, mul(32, add(k, 1)))) { flags := or(flags, exp(2, k)) }
                    }
                    mstore8(dst, mload(buf))
                    mstore8(add(dst, 1), status)
                    mstore8(add(dst, 2), mload(add(buf, 192)))
                    mstore8(add(dst, 3), flags)
                    mstore(add(dst, 4), mul(mload(add(buf, 32)), SHIFT_96))
                    mstore(add(dst, 24), mul(mload(add(buf, 64)), SHIFT_96))
                    mstore(add(dst, 44), mul(mload(add(buf, 224)), SHIFT_96))
                    mstore(add(dst, 64), mload(add(buf, 96)))
                    mstore(add(dst, 96), mload(add(buf, 128)))
                    mstore(add(dst, 128), mload(add(buf, 320)))
                    mstore(add(dst, 160), dealID)
                    mstore(add(dst, 192), mload(add(buf, 256)))
                    let benchAt := add(buf, mload(add(buf, 288)))
                    let benchCount := mload(benchAt)
                    if gt(benchCount, 12) { benchCount := 12 }
                    mstore8(add(dst, 224), benchCount)
                    for { let k := 0 } lt(k, benchCount) { k := add(k, 1) } {
                        mstore(add(dst, add(225, mul(8, k))), mul(mload(add(benchAt, mul(32, add(k, 1)))), SHIFT_192))
                    }
                    // The last benchmark's store spilled 24 bytes past the record; zero them so the next
                    // record (or the slack) starts clean.
                    mstore(add(dst, RECORD), 0)
                }
            }
        }
    }
}
