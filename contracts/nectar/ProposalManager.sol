// SPDX-License-Identifier: GPL-3.0-or-later
pragma solidity ^0.8.24;

import {MiniMeToken, MiniMeTokenFactory} from "./MiniMeToken.sol";
import {Owned} from "./Owned.sol";

/// @title ProposalManager (the interface of nec-community's governance contract, rewritten for 0.8)
/// @notice NEC holders submit proposals (a text hash and a duration in days); an admin approves one,
///         which clones NEC at that block (the snapshot); each holder then votes once with the whole
///         balance they held at the snapshot, which the vote moves from them to this contract.
///         Same function names, argument types (so selectors) and events as mainnet
///         0xb24ed9d62d4c660faf56a4cddada06c88b2d5ddb. Additions (mainnet lacks them; clients degrade):
///         `hasVoted`, the events `Denied`, `AdminAdded` and `AdminRemoved`, and a proposal can be
///         voted on once per address even after receiving clone tokens.
contract ProposalManager is Owned {
    uint256 public constant MIN_PROPOSAL_DURATION = 7;
    uint256 public constant MAX_PROPOSAL_DURATION = 45;

    struct Proposal {
        address proposer;
        uint256 startBlock;
        uint256 startTime;
        uint256 duration;
        address token;
        bytes32 storageHash;
        bool approved;
        uint256 yesVotes;
        uint256 noVotes;
        bool denied;
    }

    Proposal[] internal proposals;
    MiniMeTokenFactory public tokenFactory;
    address internal nectarToken;
    mapping(address => bool) internal admins;
    mapping(uint256 => mapping(address => bool)) internal voted;

    event Vote(uint256 indexed idProposal, address indexed _voter, bool yes, uint256 amount);
    event Approved(uint256 indexed idProposal);
    event NewProposal(uint256 indexed idProposal, uint256 duration, bytes32 storageHash);
    event Denied(uint256 indexed idProposal);
    event AdminAdded(address indexed admin);
    event AdminRemoved(address indexed admin);

    modifier onlyAdmins() {
        require(admins[msg.sender], "ProposalManager: caller is not an admin");
        _;
    }

    constructor(address _tokenFactory, address _nectarToken) {
        tokenFactory = MiniMeTokenFactory(_tokenFactory);
        nectarToken = _nectarToken;
        admins[msg.sender] = true;
        emit AdminAdded(msg.sender);
    }

    /// @notice Submits a proposal; the caller must hold NEC. `_duration` is in days (7..45) and runs from approval.
    function addProposal(uint256 _duration, bytes32 _storageHash) public returns (uint256 _proposalId) {
        require(_duration >= MIN_PROPOSAL_DURATION && _duration <= MAX_PROPOSAL_DURATION, "ProposalManager: duration must be 7..45 days");
        require(MiniMeToken(payable(nectarToken)).balanceOf(msg.sender) > 0, "ProposalManager: proposer holds no NEC");
        _proposalId = proposals.length;
        Proposal storage p = proposals.push();
        p.proposer = msg.sender;
        p.storageHash = _storageHash;
        p.duration = _duration * 1 days;
        emit NewProposal(_proposalId, _duration, _storageHash);
    }

    /// @notice Starts the vote: clones NEC at this block; the clone's balances are the voting weights.
    function approveProposal(uint256 _proposalId) public onlyAdmins {
        require(_proposalId < proposals.length, "ProposalManager: no such proposal");
        Proposal storage p = proposals[_proposalId];
        require(!p.denied, "ProposalManager: proposal was denied");
        require(!p.approved, "ProposalManager: proposal already approved");
        MiniMeToken nec = MiniMeToken(payable(nectarToken));
        p.token = address(
            tokenFactory.createCloneToken(
                payable(nectarToken),
                block.number,
                appendUint("NectarProposal-", _proposalId),
                nec.decimals(),
                appendUint("NP-", _proposalId),
                true
            )
        );
        p.approved = true;
        p.startTime = block.timestamp;
        p.startBlock = block.number;
        emit Approved(_proposalId);
    }

    /// @notice Votes with the caller's whole clone balance (moved to this contract), once per address.
    function vote(uint256 _proposalId, bool _yes) public {
        require(_proposalId < proposals.length, "ProposalManager: no such proposal");
        require(checkIfCurrentlyActive(_proposalId), "ProposalManager: proposal is not active");
        require(!voted[_proposalId][msg.sender], "ProposalManager: already voted");
        Proposal storage p = proposals[_proposalId];
        MiniMeToken token = MiniMeToken(payable(p.token));
        uint256 amount = token.balanceOf(msg.sender);
        require(amount > 0, "ProposalManager: no voting weight");
        voted[_proposalId][msg.sender] = true;
        require(token.transferFrom(msg.sender, address(this), amount), "ProposalManager: transfer failed");
        if (_yes) p.yesVotes += amount;
        else p.noVotes += amount;
        emit Vote(_proposalId, msg.sender, _yes, amount);
    }

    function denyProposal(uint256 _proposalId) public onlyAdmins {
        require(_proposalId < proposals.length, "ProposalManager: no such proposal");
        require(!proposals[_proposalId].approved, "ProposalManager: proposal already approved");
        require(!proposals[_proposalId].denied, "ProposalManager: proposal already denied");
        proposals[_proposalId].denied = true;
        emit Denied(_proposalId);
    }

    /// @notice Any admin may add an admin.
    function addAdmin(address _newAdmin) public onlyAdmins {
        if (!admins[_newAdmin]) {
            admins[_newAdmin] = true;
            emit AdminAdded(_newAdmin);
        }
    }

    /// @notice Only the owner may remove an admin.
    function removeAdmin(address _admin) public onlyOwner {
        if (admins[_admin]) {
            admins[_admin] = false;
            emit AdminRemoved(_admin);
        }
    }

    function proposal(uint256 _proposalId)
        public
        view
        returns (
            address _proposer,
            uint256 _startBlock,
            uint256 _startTime,
            uint256 _duration,
            bytes32 _storageHash,
            bool _active,
            bool _finalized,
            uint256 _totalYes,
            uint256 _totalNo,
            address _token,
            bool _approved,
            bool _denied,
            bool _hasBalance
        )
    {
        require(_proposalId < proposals.length, "ProposalManager: no such proposal");
        Proposal storage p = proposals[_proposalId];
        _proposer = p.proposer;
        _startBlock = p.startBlock;
        _startTime = p.startTime;
        _duration = p.duration;
        _storageHash = p.storageHash;
        _finalized = p.startTime + p.duration < block.timestamp;
        _active = !_finalized && p.startBlock < block.number && p.approved;
        _totalYes = p.yesVotes;
        _totalNo = p.noVotes;
        _token = p.token;
        _approved = p.approved;
        _denied = p.denied;
        _hasBalance = p.token != address(0) && MiniMeToken(payable(p.token)).balanceOf(msg.sender) > 0;
    }

    function getNotApprovedProposals() public view returns (uint256[] memory) {
        return select(0);
    }

    function getApprovedProposals() public view returns (uint256[] memory) {
        return select(1);
    }

    function getActiveProposals() public view returns (uint256[] memory) {
        return select(2);
    }

    function nProposals() public view returns (uint256) {
        return proposals.length;
    }

    function isAdmin(address _admin) public view returns (bool) {
        return admins[_admin];
    }

    /// @notice Addition: whether `_voter` has voted on the proposal.
    function hasVoted(uint256 _proposalId, address _voter) public view returns (bool) {
        return voted[_proposalId][_voter];
    }

    // ------------------------------------------------------------ the clones' controller hooks

    function proxyPayment(address) public payable returns (bool) {
        return false;
    }

    function onTransfer(address, address, uint256) public pure returns (bool) {
        return true;
    }

    function onApprove(address, address, uint256) public pure returns (bool) {
        return true;
    }

    // ------------------------------------------------------------ internals

    /// @dev Voting is open from the block after approval (the clone refuses transfers in its snapshot block) until startTime + duration.
    function checkIfCurrentlyActive(uint256 _proposalId) internal view returns (bool) {
        Proposal storage p = proposals[_proposalId];
        return p.approved && !p.denied && p.startBlock < block.number && block.timestamp < p.startTime + p.duration;
    }

    /// @dev 0 = not approved and not denied, 1 = approved, 2 = currently active.
    function select(uint256 kind) internal view returns (uint256[] memory out) {
        uint256 count = 0;
        for (uint256 pass = 0; pass < 2; pass++) {
            if (pass == 1) out = new uint256[](count);
            count = 0;
            for (uint256 i = 0; i < proposals.length; i++) {
                Proposal storage p = proposals[i];
                bool hit = kind == 0 ? (!p.approved && !p.denied) : kind == 1 ? (p.approved && !p.denied) : checkIfCurrentlyActive(i);
                if (hit) {
                    if (pass == 1) out[count] = i;
                    count++;
                }
            }
        }
    }

    function appendUint(string memory prefix, uint256 v) internal pure returns (string memory) {
        bytes memory digits = new bytes(78);
        uint256 n = 0;
        do {
            digits[77 - n] = bytes1(uint8(48 + (v % 10)));
            v /= 10;
            n++;
        } while (v != 0);
        bytes memory out = new bytes(bytes(prefix).length + n);
        for (uint256 i = 0; i < bytes(prefix).length; i++) out[i] = bytes(prefix)[i];
        for (uint256 i = 0; i < n; i++) out[bytes(prefix).length + i] = digits[78 - n + i];
        return string(out);
    }
}
