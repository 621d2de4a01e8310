// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Never deployed: its creation code runs inside one eth_call, reads certificates [from, from + count)
/// of a SONM ProfileRegistry through GetCertificate, and returns as revert data (no EIP-170 cap) one
/// word, 1 when it met an id that was never issued (ids run 1..n, so that is the end) else 0, then the
/// ids (one word each) of the live certificates held by `owner` with attribute type `attributeType`.
/// Certificates are found this way because CertificateCreated indexes only the id.
contract CertificateReader {
    // GetCertificate(uint256), shifted into the high bytes (no SHL: SONM's 2018 sidechain predates it).
    uint256 private constant GET_CERTIFICATE = 0x3e34e12900000000000000000000000000000000000000000000000000000000;

    constructor(address registry, address owner, uint256 attributeType, uint256 from, uint256 count) {
        bytes memory out = new bytes(32 * (count + 1));
        uint256 found = 0;
        uint256 ended = 0;
        assembly {
            let p := mload(0x40)
            // Scratch for the call and the first five words of its answer: from, to, type, offset, length.
            mstore(0x40, add(p, 160))
            for { let i := 0 } lt(i, count) { i := add(i, 1) } {
                let id := add(from, i)
                mstore(p, GET_CERTIFICATE)
                mstore(add(p, 4), id)
                let ok := staticcall(gas(), registry, p, 36, 0, 0)
                if or(iszero(ok), lt(returndatasize(), 160)) { ended := 1 break }
                returndatacopy(p, 0, 160)
                if and(iszero(mload(p)), iszero(mload(add(p, 32)))) { ended := 1 break }
                if and(and(eq(mload(add(p, 32)), owner), eq(mload(add(p, 64)), attributeType)), gt(mload(add(p, 128)), 0)) {
                    found := add(found, 1)
                    mstore(add(out, mul(32, add(found, 1))), id)
                }
            }
            mstore(add(out, 32), ended)
            revert(add(out, 32), mul(32, add(found, 1)))
        }
    }
}
