// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Never deployed: its creation code runs inside one eth_call (no `to`) and returns, for proposals
/// `from` .. `from + count - 1` of a ProposalManager, WORDS words each (see below), as revert data
/// (see BalanceReader for why revert data). It uses only functions mainnet's ProposalManager and
/// MiniMe clones have, plus `hasVoted` where the manager has it.
///
/// Per proposal: the 12 first words of `proposal(id)` (proposer, startBlock, startTime, duration,
/// storageHash, active, finalized, totalYes, totalNo, token, approved, denied), then the clone's
/// supply at the snapshot block, the voter's balance at the snapshot block (the weight), the voter's
/// clone balance now (what a vote moves), and whether the voter voted (0 no, 1 yes, 2 unknown: the
/// manager has no `hasVoted`). The last four are 0 for a proposal without a clone.
contract ProposalReader {
    uint256 private constant WORDS = 16;

    constructor(address manager, uint256 from, uint256 count, address voter) {
        uint256[] memory out = new uint256[](count * WORDS);
        for (uint256 i = 0; i < count; i++) {
            uint256 id = from + i;
            (bool ok, bytes memory ret) = manager.staticcall(abi.encodeWithSignature("proposal(uint256)", id));
            require(ok && ret.length >= 13 * 32, "ProposalReader: proposal() failed");
            uint256 base = i * WORDS;
            for (uint256 k = 0; k < 12; k++) out[base + k] = word(ret, k);
            address token = address(uint160(out[base + 9]));
            if (token == address(0)) continue;
            uint256 startBlock = out[base + 1];
            out[base + 12] = call(token, abi.encodeWithSignature("totalSupplyAt(uint256)", startBlock));
            out[base + 13] = call(token, abi.encodeWithSignature("balanceOfAt(address,uint256)", voter, startBlock));
            out[base + 14] = call(token, abi.encodeWithSignature("balanceOf(address)", voter));
            (bool has, bytes memory votedRet) = manager.staticcall(abi.encodeWithSignature("hasVoted(uint256,address)", id, voter));
            out[base + 15] = has && votedRet.length >= 32 ? word(votedRet, 0) : 2;
        }
        bytes memory data = abi.encode(out);
        assembly {
            revert(add(data, 32), mload(data))
        }
    }

    function call(address target, bytes memory data) private view returns (uint256) {
        (bool ok, bytes memory ret) = target.staticcall(data);
        require(ok && ret.length >= 32, "ProposalReader: token read failed");
        return word(ret, 0);
    }

    function word(bytes memory data, uint256 k) private pure returns (uint256 value) {
        assembly {
            value := mload(add(data, add(32, mul(k, 32))))
        }
    }
}
